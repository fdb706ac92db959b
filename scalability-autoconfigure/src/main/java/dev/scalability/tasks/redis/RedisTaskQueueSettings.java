package dev.scalability.tasks.redis;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * How the instances of an application share a task queue in Redis.
 *
 * @param worker this instance's name, which owns the leases of the tasks it runs
 * @param lease how long a task stays with a worker that shows no sign of life, before it is
 * given to another (renewed three times within it while the task runs)
 * @param poll how long an idle queue waits before it looks for tasks again
 * @param timeOffsetMillis added to Redis's clock when tasks are dated: zero, but for tests
 * that move time forward
 */
public record RedisTaskQueueSettings(String worker, Duration lease, Duration poll, LongSupplier timeOffsetMillis) {

	public RedisTaskQueueSettings {
		if (worker == null || worker.isBlank()) {
			throw new IllegalArgumentException("the worker must not be blank");
		}
		if (lease.compareTo(Duration.ofMillis(300)) < 0) {
			throw new IllegalArgumentException("the lease must be at least 300ms, not " + lease);
		}
		if (poll.isNegative() || poll.isZero()) {
			throw new IllegalArgumentException("the poll interval must be positive");
		}
	}

	/**
	 * Settings on Redis's own clock.
	 * @param worker this instance's name
	 * @param lease the lease of a task
	 * @return the settings, polling every 10 ms while idle
	 */
	public static RedisTaskQueueSettings of(String worker, Duration lease) {
		return new RedisTaskQueueSettings(worker, lease, Duration.ofMillis(10), () -> 0);
	}

}
