package dev.scalability.events;

import dev.scalability.delivery.RetryPolicy;

/**
 * How the bus keeps and retries events.
 *
 * @param retryPolicy tries per event and group, and the waits between them
 * @param retention events kept per topic
 * @param deadLetterRetention dead letters kept per topic; beyond it the oldest is
 * forgotten, and counted
 * @param maxTopics topics the memory backend keeps at most
 */
public record EventBusSettings(RetryPolicy retryPolicy, int retention, int deadLetterRetention, int maxTopics) {

	public EventBusSettings {
		if (retention < 1) {
			throw new IllegalArgumentException("retention must be at least 1");
		}
		if (deadLetterRetention < 1) {
			throw new IllegalArgumentException("deadLetterRetention must be at least 1");
		}
		if (maxTopics < 1) {
			throw new IllegalArgumentException("maxTopics must be at least 1");
		}
	}

}
