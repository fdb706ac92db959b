package dev.scalability.events;

import dev.scalability.delivery.HandlingOutcome;

/**
 * Handles the events of a subscription, never throwing: what went wrong is in the
 * outcome.
 */
@FunctionalInterface
public interface EventHandler {

	/**
	 * Handles an event.
	 * @param event the event
	 * @return the result (a non-null one answers a request) or the failure
	 */
	HandlingOutcome handle(Event event);

}
