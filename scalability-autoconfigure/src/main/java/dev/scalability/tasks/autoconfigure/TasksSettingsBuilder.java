package dev.scalability.tasks.autoconfigure;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.scalability.autoconfigure.InvalidPropertyException;
import dev.scalability.delivery.Backoff;
import dev.scalability.delivery.RetryPolicy;
import dev.scalability.permits.PermitLimit;
import dev.scalability.permits.RatePermits;
import dev.scalability.tasks.QueueRateLimits;
import dev.scalability.tasks.TaskQueueSettings;
import dev.scalability.tasks.redis.RedisTaskQueueSettings;

/**
 * The task queue's settings from its properties, each checked with a message that names
 * the property.
 */
final class TasksSettingsBuilder {

	static final String PREFIX = "scalability.tasks";

	private final TasksProperties properties;

	TasksSettingsBuilder(TasksProperties properties) {
		this.properties = properties;
	}

	TaskQueueSettings settings() {
		return settings(null, false);
	}

	/**
	 * The settings.
	 * @param rateLimiter the rate limiter's permits, or {@code null} when the application has
	 * no rate limiter
	 * @param shared whether the queues are shared by instances (on Redis), so that their
	 * rate limits must be too
	 * @return the settings
	 */
	TaskQueueSettings settings(RatePermits rateLimiter, boolean shared) {
		atLeastOne("max-attempts", this.properties.getMaxAttempts(), "such as 3.");
		atLeastOne("concurrency", this.properties.getConcurrency(), "such as 8.");
		Map<String, Integer> concurrency = new LinkedHashMap<>();
		this.properties.getQueues().forEach((name, queue) -> {
			if (queue.getConcurrency() != null) {
				atLeastOne("queues." + name + ".concurrency", queue.getConcurrency(), "such as 4.");
				concurrency.put(name, queue.getConcurrency());
			}
		});
		TasksProperties.Backoff backoff = this.properties.getBackoff();
		Duration initial = backoff.getInitial();
		if (initial == null || initial.isNegative()) {
			throw new InvalidPropertyException(PREFIX + ".backoff.initial", initial, "must not be negative",
					"such as 1s.");
		}
		if (backoff.getMultiplier() < 1) {
			throw new InvalidPropertyException(PREFIX + ".backoff.multiplier", backoff.getMultiplier(),
					"must be at least 1", "such as 2.");
		}
		if (backoff.getMax() == null || backoff.getMax().compareTo(initial) < 0) {
			throw new InvalidPropertyException(PREFIX + ".backoff.max", backoff.getMax(),
					"must not be less than backoff.initial (" + initial + ")", "such as 5m.");
		}
		if (backoff.getJitter() < 0 || backoff.getJitter() > 1) {
			throw new InvalidPropertyException(PREFIX + ".backoff.jitter", backoff.getJitter(),
					"must be between 0 and 1", "such as 0.2.");
		}
		Duration retention = this.properties.getCompletedRetention();
		if (retention == null || retention.isNegative() || retention.isZero()) {
			throw new InvalidPropertyException(PREFIX + ".completed-retention", retention,
					"must be positive (a succeeded task's record keeps its idempotency key)", "such as 24h.");
		}
		atLeastOne("dead-letter-retention", this.properties.getDeadLetterRetention(), "such as 10000.");
		RetryPolicy retryPolicy = new RetryPolicy(this.properties.getMaxAttempts(),
				new Backoff(initial, backoff.getMultiplier(), backoff.getMax(), backoff.getJitter()));
		return new TaskQueueSettings(retryPolicy, concurrency, this.properties.getConcurrency(), retention,
				this.properties.getDeadLetterRetention(), rateLimits(rateLimiter, shared));
	}

	private QueueRateLimits rateLimits(RatePermits rateLimiter, boolean shared) {
		Map<String, PermitLimit> limits = new LinkedHashMap<>();
		this.properties.getQueues().forEach((name, queue) -> {
			TasksProperties.RateLimit rateLimit = queue.getRateLimit();
			if (rateLimit.getLimit() == null) {
				return;
			}
			String property = PREFIX + ".queues." + name + ".rate-limit";
			if (rateLimit.getLimit() < 1) {
				throw new InvalidPropertyException(property + ".limit", rateLimit.getLimit(), "must be at least 1",
						"such as 100, with a window of 1s.");
			}
			Duration window = rateLimit.getWindow();
			if (window == null || window.toMillis() < 1 || window.toNanos() % 1_000_000 != 0
					|| window.toNanos() / 1_000 < rateLimit.getLimit()) {
				throw new InvalidPropertyException(property + ".window", window,
						"must be whole milliseconds, at least a microsecond per task of the limit", "such as 1s.");
			}
			if (rateLimit.getBurst() < 0) {
				throw new InvalidPropertyException(property + ".burst", rateLimit.getBurst(), "must not be negative",
						"such as 0.");
			}
			if (rateLimiter == null) {
				throw new InvalidPropertyException(property + ".limit", rateLimit.getLimit(),
						"needs the rate limiter, which is off",
						"set scalability.rate-limit.enabled to true (its backend redis shares the limit between instances).");
			}
			if (shared && !rateLimiter.shared()) {
				throw new InvalidPropertyException("scalability.rate-limit.backend", "memory",
						"must be redis for the rate limit of queue '" + name
								+ "', which every instance shares through Redis: on memory each instance would start "
								+ rateLimit.getLimit() + " tasks per " + window,
						"set scalability.rate-limit.backend (or scalability.backend) to redis.");
			}
			limits.put(name, new PermitLimit("tasks-" + name, rateLimit.getLimit(), window, rateLimit.getBurst()));
		});
		return limits.isEmpty() ? QueueRateLimits.NONE : new QueueRateLimits(rateLimiter, limits);
	}

	/**
	 * The Redis backend's settings.
	 * @param worker this instance's name
	 * @param redisTimeout the longest wait of one call for Redis: a lease renewed three
	 * times within it must outlast a few slow renewals
	 * @return the settings
	 */
	RedisTaskQueueSettings redisSettings(String worker, Duration redisTimeout) {
		Duration lease = this.properties.getVisibilityTimeout();
		Duration least = redisTimeout.multipliedBy(10);
		if (least.compareTo(Duration.ofSeconds(1)) < 0) {
			least = Duration.ofSeconds(1);
		}
		if (lease == null || lease.compareTo(least) < 0) {
			throw new InvalidPropertyException(PREFIX + ".visibility-timeout", lease,
					"must be at least " + least + " (ten Redis timeouts, a second at least)",
					"such as 5m: longer than a pause of an instance that is still alive.");
		}
		Duration poll = this.properties.getPollInterval();
		if (poll == null || poll.compareTo(Duration.ofMillis(10)) < 0 || poll.compareTo(Duration.ofMinutes(1)) > 0) {
			throw new InvalidPropertyException(PREFIX + ".poll-interval", poll, "must be between 10ms and 1m",
					"such as 1s: submits wake idle workers at once; this only bounds how late they notice "
							+ "a task whose worker died.");
		}
		return new RedisTaskQueueSettings(worker, lease, poll, () -> 0);
	}

	private static void atLeastOne(String property, int value, String example) {
		if (value < 1) {
			throw new InvalidPropertyException(PREFIX + "." + property, value, "must be at least 1", example);
		}
	}

}
