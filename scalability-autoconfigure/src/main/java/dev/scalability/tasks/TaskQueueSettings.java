package dev.scalability.tasks;

import java.time.Duration;
import java.util.Map;

import dev.scalability.delivery.RetryPolicy;

/**
 * How a task queue runs its tasks and what it keeps.
 *
 * @param retryPolicy tries and backoff, unless a task has tries of its own
 * @param concurrency handler threads per queue on this instance
 * @param defaultConcurrency handler threads of a queue not in {@code concurrency}
 * @param completedRetention how long the record of a task that succeeded is kept (for its
 * status, and its idempotency key)
 * @param deadLetterRetention dead letters kept per queue; beyond it the oldest is forgotten
 * @param rateLimits how many tasks a queue may start, per queue across every instance
 */
public record TaskQueueSettings(RetryPolicy retryPolicy, Map<String, Integer> concurrency, int defaultConcurrency,
		Duration completedRetention, int deadLetterRetention, QueueRateLimits rateLimits) {

	/**
	 * Settings without rate limits.
	 * @param retryPolicy tries and backoff
	 * @param concurrency handler threads per queue on this instance
	 * @param defaultConcurrency handler threads of a queue not in {@code concurrency}
	 * @param completedRetention how long the record of a task that succeeded is kept
	 * @param deadLetterRetention dead letters kept per queue
	 */
	public TaskQueueSettings(RetryPolicy retryPolicy, Map<String, Integer> concurrency, int defaultConcurrency,
			Duration completedRetention, int deadLetterRetention) {
		this(retryPolicy, concurrency, defaultConcurrency, completedRetention, deadLetterRetention,
				QueueRateLimits.NONE);
	}

	public TaskQueueSettings {
		if (rateLimits == null) {
			rateLimits = QueueRateLimits.NONE;
		}
		concurrency = Map.copyOf(concurrency);
		concurrency.forEach((queue, threads) -> {
			if (threads < 1) {
				throw new IllegalArgumentException("queue '" + queue + "' needs at least 1 thread, not " + threads);
			}
		});
		if (defaultConcurrency < 1) {
			throw new IllegalArgumentException("defaultConcurrency must be at least 1");
		}
		if (completedRetention.isNegative()) {
			throw new IllegalArgumentException("completedRetention must not be negative");
		}
		if (deadLetterRetention < 1) {
			throw new IllegalArgumentException("deadLetterRetention must be at least 1");
		}
	}

	/**
	 * The handler threads of a queue on this instance.
	 * @param queue the queue
	 * @return its threads
	 */
	public int concurrency(String queue) {
		return this.concurrency.getOrDefault(queue, this.defaultConcurrency);
	}

}
