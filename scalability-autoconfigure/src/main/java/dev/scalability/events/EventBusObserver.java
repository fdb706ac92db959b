package dev.scalability.events;

import java.util.function.LongSupplier;

/**
 * Hears what the bus does, for metrics. Calls come from publishing and handler threads:
 * implementations are quick and never throw.
 */
public interface EventBusObserver {

	/**
	 * Hears nothing.
	 */
	EventBusObserver NONE = new EventBusObserver() {
	};

	/**
	 * An event was stored.
	 * @param topic its topic
	 */
	default void published(String topic) {
	}

	/**
	 * A handler was done with an event, one way or another.
	 * @param topic the topic
	 * @param group the group
	 * @param verdict what follows: acknowledged, retried or dead letter
	 * @param nanos how long the handler took
	 */
	default void handled(String topic, String group, DeliveryVerdict.Kind verdict, long nanos) {
	}

	/**
	 * Dead letters of a topic were dropped to make room for newer ones: their events
	 * cannot be redriven any more.
	 * @param topic the topic
	 * @param count how many
	 */
	default void deadLettersForgotten(String topic, long count) {
	}

	/**
	 * A group of this instance started listening to a topic.
	 * @param topic the topic
	 * @param group the group
	 * @param lag reads how many events the group has not been given yet
	 */
	default void groupAdded(String topic, String group, LongSupplier lag) {
	}

}
