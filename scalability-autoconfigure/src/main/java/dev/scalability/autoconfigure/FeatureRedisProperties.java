package dev.scalability.autoconfigure;

import java.time.Duration;

/**
 * The Redis settings a feature may set for itself, under its own {@code redis} group;
 * what it leaves unset comes from {@code scalability.redis.*}.
 */
public class FeatureRedisProperties {

	/**
	 * Longest wait of one call of this feature for Redis. Defaults to
	 * 'scalability.redis.timeout'.
	 */
	private Duration timeout;

	private final CircuitBreaker circuitBreaker = new CircuitBreaker();

	public Duration getTimeout() {
		return this.timeout;
	}

	public void setTimeout(Duration timeout) {
		this.timeout = timeout;
	}

	public CircuitBreaker getCircuitBreaker() {
		return this.circuitBreaker;
	}

	public static class CircuitBreaker {

		/**
		 * Percentage of failed Redis calls that opens this feature's breaker. Defaults to
		 * 'scalability.redis.circuit-breaker.failure-rate'.
		 */
		private Integer failureRate;

		/**
		 * Number of recent Redis calls the failure rate is computed over. Defaults to
		 * 'scalability.redis.circuit-breaker.window'.
		 */
		private Integer window;

		/**
		 * How long this feature's breaker stays open. Defaults to
		 * 'scalability.redis.circuit-breaker.open-for'.
		 */
		private Duration openFor;

		public Integer getFailureRate() {
			return this.failureRate;
		}

		public void setFailureRate(Integer failureRate) {
			this.failureRate = failureRate;
		}

		public Integer getWindow() {
			return this.window;
		}

		public void setWindow(Integer window) {
			this.window = window;
		}

		public Duration getOpenFor() {
			return this.openFor;
		}

		public void setOpenFor(Duration openFor) {
			this.openFor = openFor;
		}

	}

}
