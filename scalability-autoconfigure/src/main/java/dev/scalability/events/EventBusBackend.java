package dev.scalability.events;

import java.time.Duration;
import java.util.List;

import dev.scalability.backend.BackendStatus;

/**
 * The bus as a backend implements it: besides publishing, it takes subscriptions, starts
 * and stops handing events to them, and shows its topics and dead letters.
 */
public interface EventBusBackend extends EventBus, BackendStatus {

	/**
	 * Adds a listener. Its group gets the events published from now on (earlier ones
	 * through {@link #replay}); they are handed to it once the bus runs.
	 * @param subscription the listener
	 * @throws IllegalStateException when another listener of this instance is in the same
	 * group of the topic: each event would reach only one of them
	 */
	void subscribe(Subscription subscription);

	/**
	 * Starts handing events to the listeners; again after a stop.
	 */
	void start();

	/**
	 * Stops handing events to the listeners and waits for the handlers that run to finish.
	 * Publishing still works; what is not handled yet waits for the next start.
	 * @param timeout the longest wait; then the handlers still running are interrupted
	 * @return whether every handler finished in time
	 */
	boolean stop(Duration timeout);

	/**
	 * Whether events are handed to listeners.
	 * @return whether the bus runs
	 */
	boolean isRunning();

	/**
	 * The topics, their groups and how far behind these are.
	 * @return the topics, by name
	 */
	List<TopicSnapshot> topics();

	/**
	 * The dead letters of a topic, oldest first.
	 * @param topic the topic
	 * @return its dead letters; empty for an unknown topic
	 */
	List<EventDeadLetter> deadLetters(String topic);

	/**
	 * Gives dead letters back to the groups that gave up on them, as new.
	 * @param topic the topic
	 * @param id the event's id; every group's dead letter of that event goes back
	 * @return how many dead letters went back
	 */
	int redrive(String topic, String id);

	/**
	 * Gives every dead letter of a topic back to its group.
	 * @param topic the topic
	 * @return how many went back
	 */
	int redriveAll(String topic);

	/**
	 * How long a group's work waits to be handled.
	 * @param topic the topic
	 * @param group the group
	 * @return events not yet given to the group, or -1 when the group is unknown
	 */
	long lag(String topic, String group);

}
