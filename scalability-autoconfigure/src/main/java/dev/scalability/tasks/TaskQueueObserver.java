package dev.scalability.tasks;

import java.util.function.Supplier;

/**
 * Hears what a task queue does, for metrics.
 */
public interface TaskQueueObserver {

	/**
	 * Hears nothing.
	 */
	TaskQueueObserver NONE = new TaskQueueObserver() {
	};

	/**
	 * A task was stored.
	 * @param queue its queue
	 */
	default void submitted(String queue) {
	}

	/**
	 * A try of a task ended.
	 * @param queue its queue
	 * @param outcome {@code success}, {@code retry} or {@code dead}
	 */
	default void completed(String queue, String outcome) {
	}

	/**
	 * A queue became known here (a handler, or a task submitted to it).
	 * @param queue its name
	 * @param snapshot its counts now
	 */
	default void queueAdded(String queue, Supplier<QueueSnapshot> snapshot) {
	}

}
