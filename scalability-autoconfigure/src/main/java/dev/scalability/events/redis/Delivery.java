package dev.scalability.events.redis;

import dev.scalability.events.Event;

/**
 * One event given to this instance's listener of a group, held until settled.
 *
 * @param redriven whether it came from the group's redrive stream rather than the topic's
 * @param entryId its entry's id in that stream
 * @param event the event
 * @param attempt which try this is: how often Redis has delivered the entry
 */
record Delivery(boolean redriven, String entryId, Event event, int attempt) {

	Held held() {
		return new Held(this.redriven, this.entryId);
	}

	/**
	 * An entry this instance holds: running, waiting to run, or waiting for its retry.
	 *
	 * @param redriven whether it is in the redrive stream
	 * @param entryId its id there
	 */
	record Held(boolean redriven, String entryId) {

	}

}
