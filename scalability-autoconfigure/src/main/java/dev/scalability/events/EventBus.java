package dev.scalability.events;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/**
 * Publishes events to topics, where every listener group gets each of them: within a
 * group, one listener handles it (at least once). Events are kept, up to the topic's
 * retention, so that a group can be given them again.
 */
public interface EventBus {

	/**
	 * Publishes an event. It returns once the event is stored: from then on no group of
	 * the topic misses it, even one with no listener yet.
	 * @param topic the topic, such as {@code orders.created}
	 * @param payload the event, written as JSON
	 * @return the event's id, which orders the topic's events
	 * @throws EventPublishException when the event cannot be stored; nothing is dropped
	 * silently
	 * @throws IllegalArgumentException when the payload cannot be written as JSON
	 */
	String publish(String topic, Object payload);

	/**
	 * Publishes an event without waiting for it to be stored. Events published this way,
	 * from one thread or many, travel to Redis back to back (pipelining) rather than one
	 * round trip each; the future tells when each is stored, so callers who need that
	 * guarantee wait for it, and those who publish many wait once for all. Callbacks
	 * chained without an executor run on the JVM's common pool, never on the Redis
	 * client's I/O thread.
	 * @param topic the topic
	 * @param payload the event, written as JSON
	 * @return the event's id once the event is stored; completed exceptionally with an
	 * {@link EventPublishException} when it cannot be stored
	 * @throws IllegalArgumentException when the payload cannot be written as JSON
	 */
	CompletableFuture<String> publishAsync(String topic, Object payload);

	/**
	 * Publishes an event and waits for the first answer: the value a listener returns.
	 * Callbacks chained without an executor run on the thread that completes the future.
	 * @param <R> the type of the answer
	 * @param topic the topic
	 * @param payload the event
	 * @param reply the type the answer is read as
	 * @param timeout how long to wait for it
	 * @return the answer; completed exceptionally with a
	 * {@link java.util.concurrent.TimeoutException} when none comes in time, or with an
	 * {@link EventHandlingException} when the listener gave up on the event
	 * @throws EventPublishException when the event cannot be stored
	 */
	<R> CompletableFuture<R> request(String topic, Object payload, Class<R> reply, Duration timeout);

	/**
	 * Gives a group the topic's events again, from the one with the given id on (as far as
	 * they are still kept). Events the group has not been given yet are not given twice.
	 * @param topic the topic
	 * @param group the listener group
	 * @param fromId the id of the first event to give again, such as
	 * {@code 1700000000000-0}; {@code 1700000000000} means the first of that millisecond
	 * @throws IllegalArgumentException when the id is malformed or the group unknown
	 */
	void replay(String topic, String group, String fromId);

	/**
	 * Gives a group the topic's events again, from those published at the given time on.
	 * @param topic the topic
	 * @param group the listener group
	 * @param from the time of the first event to give again
	 * @throws IllegalArgumentException when the group is unknown
	 */
	default void replay(String topic, String group, Instant from) {
		replay(topic, group, EventId.of(from).toString());
	}

}
