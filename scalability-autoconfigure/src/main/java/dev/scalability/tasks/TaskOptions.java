package dev.scalability.tasks;

import java.time.Duration;

/**
 * How one task is submitted: its priority, delay, idempotency key, tries and queue. Each
 * {@code with...} method returns new options.
 *
 * @param priority how soon it runs among the ready tasks of its queue
 * @param delay how long it waits before it may run
 * @param idempotencyKey a key that makes a second submit of the same work return the first
 * task, or {@code null}
 * @param maxAttempts its tries, the first included, or {@code null} for the queue's
 * @param queue its queue, or {@code null} for the queue of its type's handler (else
 * {@code default})
 */
public record TaskOptions(TaskPriority priority, Duration delay, String idempotencyKey, Integer maxAttempts,
		String queue) {

	private static final TaskOptions DEFAULTS = new TaskOptions(TaskPriority.NORMAL, Duration.ZERO, null, null, null);

	public TaskOptions {
		if (priority == null) {
			throw new IllegalArgumentException("the priority must not be null");
		}
		if (delay == null || delay.isNegative()) {
			throw new IllegalArgumentException("the delay must not be negative");
		}
		if (idempotencyKey != null && idempotencyKey.isBlank()) {
			throw new IllegalArgumentException("the idempotency key must not be blank");
		}
		if (maxAttempts != null && maxAttempts < 1) {
			throw new IllegalArgumentException("maxAttempts must be at least 1, not " + maxAttempts);
		}
		if (queue != null && queue.isBlank()) {
			throw new IllegalArgumentException("the queue must not be blank");
		}
	}

	/**
	 * Options of a task with normal priority, no delay, no idempotency key, the tries of its
	 * queue and the queue of its type.
	 * @return the options
	 */
	public static TaskOptions defaults() {
		return DEFAULTS;
	}

	public TaskOptions withPriority(TaskPriority priority) {
		return new TaskOptions(priority, this.delay, this.idempotencyKey, this.maxAttempts, this.queue);
	}

	public TaskOptions withDelay(Duration delay) {
		return new TaskOptions(this.priority, delay, this.idempotencyKey, this.maxAttempts, this.queue);
	}

	public TaskOptions withIdempotencyKey(String idempotencyKey) {
		return new TaskOptions(this.priority, this.delay, idempotencyKey, this.maxAttempts, this.queue);
	}

	public TaskOptions withMaxAttempts(int maxAttempts) {
		return new TaskOptions(this.priority, this.delay, this.idempotencyKey, maxAttempts, this.queue);
	}

	public TaskOptions inQueue(String queue) {
		return new TaskOptions(this.priority, this.delay, this.idempotencyKey, this.maxAttempts, queue);
	}

}
