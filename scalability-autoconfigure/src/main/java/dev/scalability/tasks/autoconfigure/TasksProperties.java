package dev.scalability.tasks.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.scalability.autoconfigure.Backend;
import dev.scalability.autoconfigure.FeatureRedisProperties;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;

/**
 * The task queue.
 */
@ConfigurationProperties("scalability.tasks")
public class TasksProperties {

	/**
	 * Whether the task queue is on.
	 */
	private boolean enabled = true;

	/**
	 * Where tasks are kept: 'memory' (this JVM) or 'redis' (shared by every instance);
	 * scalability.backend when not set.
	 */
	private Backend backend;

	/**
	 * Queues by name, with their handler threads on each instance.
	 */
	private Map<String, Queue> queues = new LinkedHashMap<>();

	/**
	 * Handler threads of a queue not listed under 'queues'.
	 */
	private int concurrency = 8;

	/**
	 * Tries per task, the first included; then the task is a dead letter.
	 */
	private int maxAttempts = 3;

	private final Backoff backoff = new Backoff();

	/**
	 * Redis backend: how long a task stays with an instance that shows no sign of life
	 * before another runs it. A live instance renews it three times within it, however long
	 * the task runs.
	 */
	private Duration visibilityTimeout = Duration.ofMinutes(5);

	/**
	 * Longest an idle worker waits before it looks for tasks again, on Redis. A submit
	 * wakes idle workers at once through pub/sub; this bounds how late a worker notices
	 * a task whose worker died, or one a lost wake-up left waiting. While the wake-ups are
	 * not subscribed, idle workers poll from every 10 ms up to this.
	 */
	private Duration pollInterval = Duration.ofSeconds(1);

	/**
	 * How long the record of a task that succeeded is kept, for its status and its
	 * idempotency key.
	 */
	private Duration completedRetention = Duration.ofHours(24);

	/**
	 * Dead letters kept per queue; beyond it the oldest is forgotten.
	 */
	private int deadLetterRetention = 10_000;

	/**
	 * Packages whose classes a payload may name as its type ('@JsonTypeInfo(use = CLASS)'),
	 * besides the application's own.
	 */
	private List<String> trustedPackages = new ArrayList<>();

	@NestedConfigurationProperty
	private final FeatureRedisProperties redis = new FeatureRedisProperties();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public Backend getBackend() {
		return this.backend;
	}

	public void setBackend(Backend backend) {
		this.backend = backend;
	}

	public Map<String, Queue> getQueues() {
		return this.queues;
	}

	public void setQueues(Map<String, Queue> queues) {
		this.queues = queues;
	}

	public int getConcurrency() {
		return this.concurrency;
	}

	public void setConcurrency(int concurrency) {
		this.concurrency = concurrency;
	}

	public int getMaxAttempts() {
		return this.maxAttempts;
	}

	public void setMaxAttempts(int maxAttempts) {
		this.maxAttempts = maxAttempts;
	}

	public Backoff getBackoff() {
		return this.backoff;
	}

	public Duration getVisibilityTimeout() {
		return this.visibilityTimeout;
	}

	public void setVisibilityTimeout(Duration visibilityTimeout) {
		this.visibilityTimeout = visibilityTimeout;
	}

	public Duration getPollInterval() {
		return this.pollInterval;
	}

	public void setPollInterval(Duration pollInterval) {
		this.pollInterval = pollInterval;
	}

	public Duration getCompletedRetention() {
		return this.completedRetention;
	}

	public void setCompletedRetention(Duration completedRetention) {
		this.completedRetention = completedRetention;
	}

	public int getDeadLetterRetention() {
		return this.deadLetterRetention;
	}

	public void setDeadLetterRetention(int deadLetterRetention) {
		this.deadLetterRetention = deadLetterRetention;
	}

	public List<String> getTrustedPackages() {
		return this.trustedPackages;
	}

	public void setTrustedPackages(List<String> trustedPackages) {
		this.trustedPackages = trustedPackages;
	}

	public FeatureRedisProperties getRedis() {
		return this.redis;
	}

	public static class Queue {

		/**
		 * Handler threads of this queue on each instance.
		 */
		private Integer concurrency;

		/**
		 * How many tasks of this queue may start, across every instance when the rate
		 * limiter's backend is Redis.
		 */
		private final RateLimit rateLimit = new RateLimit();

		public Integer getConcurrency() {
			return this.concurrency;
		}

		public void setConcurrency(Integer concurrency) {
			this.concurrency = concurrency;
		}

		public RateLimit getRateLimit() {
			return this.rateLimit;
		}

	}

	public static class RateLimit {

		/**
		 * Tasks that may start per window; none for a queue without a limit.
		 */
		private Long limit;

		/**
		 * The window of the limit.
		 */
		private Duration window = Duration.ofSeconds(1);

		/**
		 * Tasks that may start at once above the limit, after a quiet spell.
		 */
		private long burst;

		public Long getLimit() {
			return this.limit;
		}

		public void setLimit(Long limit) {
			this.limit = limit;
		}

		public Duration getWindow() {
			return this.window;
		}

		public void setWindow(Duration window) {
			this.window = window;
		}

		public long getBurst() {
			return this.burst;
		}

		public void setBurst(long burst) {
			this.burst = burst;
		}

	}

	public static class Backoff {

		/**
		 * Wait before the first retry.
		 */
		private Duration initial = Duration.ofSeconds(1);

		/**
		 * Factor each further wait grows by.
		 */
		private double multiplier = 2;

		/**
		 * Longest wait between two tries.
		 */
		private Duration max = Duration.ofMinutes(5);

		/**
		 * Spread of each wait, as a fraction either way (0.2: 20% shorter to 20% longer).
		 */
		private double jitter = 0.2;

		public Duration getInitial() {
			return this.initial;
		}

		public void setInitial(Duration initial) {
			this.initial = initial;
		}

		public double getMultiplier() {
			return this.multiplier;
		}

		public void setMultiplier(double multiplier) {
			this.multiplier = multiplier;
		}

		public Duration getMax() {
			return this.max;
		}

		public void setMax(Duration max) {
			this.max = max;
		}

		public double getJitter() {
			return this.jitter;
		}

		public void setJitter(double jitter) {
			this.jitter = jitter;
		}

	}

}
