package dev.scalability.events;

/**
 * A listener of a topic, in a group: the group's events are shared among all its
 * listeners, on every instance, and each group gets every event.
 *
 * @param topic the topic
 * @param group the group
 * @param concurrency how many events this listener handles at once (its threads)
 * @param handler what handles them
 * @param description who the listener is, for messages, such as a bean method
 */
public record Subscription(String topic, String group, int concurrency, EventHandler handler, String description) {

	public Subscription {
		if (topic == null || topic.isBlank()) {
			throw new IllegalArgumentException("the topic must not be blank");
		}
		if (group == null || group.isBlank()) {
			throw new IllegalArgumentException("the group must not be blank");
		}
		if (concurrency < 1) {
			throw new IllegalArgumentException("concurrency must be at least 1, not " + concurrency);
		}
	}

}
