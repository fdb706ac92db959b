package dev.scalability.autoconfigure;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Root configuration of the starter.
 */
@ConfigurationProperties("scalability")
public class ScalabilityProperties {

	/**
	 * Whether to enable the starter. When false no feature is configured.
	 */
	private boolean enabled = true;

	/**
	 * Backend every feature uses unless it sets its own.
	 */
	private Backend backend = Backend.MEMORY;

	private final Redis redis = new Redis();

	private final Health health = new Health();

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

	public Redis getRedis() {
		return this.redis;
	}

	public Health getHealth() {
		return this.health;
	}

	public static class Redis {

		/**
		 * Prefix of every key the starter writes to Redis. Braces are refused: they would
		 * put every key in one Redis Cluster slot.
		 */
		private String keyPrefix = "scalability:";

		/**
		 * Longest wait of one feature call for Redis, connecting included, whatever the
		 * client's own timeouts. Each feature may set its own under its 'redis' group.
		 */
		private Duration timeout = Duration.ofMillis(200);

		/**
		 * Longest wait at start-up, before the application takes traffic, to connect to
		 * Redis and load the scripts. A Redis that is down does not stop the start-up.
		 */
		private Duration warmUpTimeout = Duration.ofSeconds(5);

		private final CircuitBreaker circuitBreaker = new CircuitBreaker();

		public String getKeyPrefix() {
			return this.keyPrefix;
		}

		public void setKeyPrefix(String keyPrefix) {
			this.keyPrefix = keyPrefix;
		}

		public Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(Duration timeout) {
			this.timeout = timeout;
		}

		public Duration getWarmUpTimeout() {
			return this.warmUpTimeout;
		}

		public void setWarmUpTimeout(Duration warmUpTimeout) {
			this.warmUpTimeout = warmUpTimeout;
		}

		public CircuitBreaker getCircuitBreaker() {
			return this.circuitBreaker;
		}

	}

	public static class CircuitBreaker {

		/**
		 * Percentage of failed Redis calls over the window that opens a feature's circuit
		 * breaker: then no call waits for Redis and the feature degrades as documented.
		 */
		private int failureRate = 50;

		/**
		 * Number of recent Redis calls the failure rate is computed over.
		 */
		private int window = 20;

		/**
		 * How long a breaker stays open before it lets a few calls try Redis again.
		 */
		private Duration openFor = Duration.ofSeconds(30);

		public int getFailureRate() {
			return this.failureRate;
		}

		public void setFailureRate(int failureRate) {
			this.failureRate = failureRate;
		}

		public int getWindow() {
			return this.window;
		}

		public void setWindow(int window) {
			this.window = window;
		}

		public Duration getOpenFor() {
			return this.openFor;
		}

		public void setOpenFor(Duration openFor) {
			this.openFor = openFor;
		}

	}

	public static class Health {

		/**
		 * Whether the health indicators of the features' backends join the 'readiness'
		 * group of the health endpoint (they never join 'liveness').
		 */
		private boolean readinessGroup = true;

		public boolean isReadinessGroup() {
			return this.readinessGroup;
		}

		public void setReadinessGroup(boolean readinessGroup) {
			this.readinessGroup = readinessGroup;
		}

	}

}
