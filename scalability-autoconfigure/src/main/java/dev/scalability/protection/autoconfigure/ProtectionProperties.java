package dev.scalability.protection.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Protection policies, applied to {@code @Protected} methods.
 */
@ConfigurationProperties("scalability.protection")
public class ProtectionProperties {

	/**
	 * Whether @Protected methods run under their policies.
	 */
	private boolean enabled = true;

	/**
	 * Policies by name, as @Protected(policy = ...) names them. Each part is optional; they
	 * apply in a fixed order from the outside in: rate limit, bulkhead, timeout, circuit
	 * breaker, retry.
	 */
	private Map<String, Policy> policies = new LinkedHashMap<>();

	/**
	 * Outbound HTTP: the RestClient calls to these hosts run under these policies.
	 */
	private List<HttpClient> httpClients = new ArrayList<>();

	public List<HttpClient> getHttpClients() {
		return this.httpClients;
	}

	public void setHttpClients(List<HttpClient> httpClients) {
		this.httpClients = httpClients;
	}

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public Map<String, Policy> getPolicies() {
		return this.policies;
	}

	public void setPolicies(Map<String, Policy> policies) {
		this.policies = policies;
	}

	public static class Policy {

		/**
		 * Calls allowed per window, counted by the rate limiter (shared by every instance on
		 * its Redis backend).
		 */
		private RateLimit rateLimit;

		/**
		 * Calls at once.
		 */
		private Bulkhead bulkhead;

		/**
		 * Longest a call may take, its retries included; the calling thread is interrupted
		 * at the deadline.
		 */
		private Duration timeout;

		/**
		 * A circuit breaker registered in Resilience4j's registry under the policy's name.
		 */
		private CircuitBreaker circuitBreaker;

		/**
		 * Retries of a failed call, inside the circuit breaker.
		 */
		private Retry retry;

		/**
		 * Exceptions that pass through the policy as they are: not retried, not counted by
		 * the circuit breaker, not answered by a fallback. Refused authorizations (Spring
		 * Security) and invalid input (Bean Validation) always are.
		 */
		private List<Class<? extends Throwable>> ignoreExceptions = new ArrayList<>();

		public List<Class<? extends Throwable>> getIgnoreExceptions() {
			return this.ignoreExceptions;
		}

		public void setIgnoreExceptions(List<Class<? extends Throwable>> ignoreExceptions) {
			this.ignoreExceptions = ignoreExceptions;
		}

		public RateLimit getRateLimit() {
			return this.rateLimit;
		}

		public void setRateLimit(RateLimit rateLimit) {
			this.rateLimit = rateLimit;
		}

		public Bulkhead getBulkhead() {
			return this.bulkhead;
		}

		public void setBulkhead(Bulkhead bulkhead) {
			this.bulkhead = bulkhead;
		}

		public Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(Duration timeout) {
			this.timeout = timeout;
		}

		public CircuitBreaker getCircuitBreaker() {
			return this.circuitBreaker;
		}

		public void setCircuitBreaker(CircuitBreaker circuitBreaker) {
			this.circuitBreaker = circuitBreaker;
		}

		public Retry getRetry() {
			return this.retry;
		}

		public void setRetry(Retry retry) {
			this.retry = retry;
		}

	}

	public static class HttpClient {

		/**
		 * The target hosts, such as bank.example.com.
		 */
		private List<String> hosts = new ArrayList<>();

		/**
		 * The policy their calls run under.
		 */
		private String policy;

		public List<String> getHosts() {
			return this.hosts;
		}

		public void setHosts(List<String> hosts) {
			this.hosts = hosts;
		}

		public String getPolicy() {
			return this.policy;
		}

		public void setPolicy(String policy) {
			this.policy = policy;
		}

	}

	public static class RateLimit {

		/**
		 * Calls per window.
		 */
		private long limit;

		/**
		 * The window.
		 */
		private Duration window = Duration.ofSeconds(1);

		/**
		 * Extra calls allowed at once after a quiet spell.
		 */
		private long burst;

		public long getLimit() {
			return this.limit;
		}

		public void setLimit(long limit) {
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

	public static class Bulkhead {

		/**
		 * Calls running at once, at most.
		 */
		private int maxConcurrent;

		/**
		 * How long a call waits for room before it is refused.
		 */
		private Duration maxWait = Duration.ZERO;

		public int getMaxConcurrent() {
			return this.maxConcurrent;
		}

		public void setMaxConcurrent(int maxConcurrent) {
			this.maxConcurrent = maxConcurrent;
		}

		public Duration getMaxWait() {
			return this.maxWait;
		}

		public void setMaxWait(Duration maxWait) {
			this.maxWait = maxWait;
		}

	}

	public static class CircuitBreaker {

		/**
		 * Percentage of failed (or slower than the timeout) calls that opens the breaker.
		 */
		private float failureRate = 50;

		/**
		 * Number of recent calls the failure rate is computed over.
		 */
		private int window = 20;

		/**
		 * How long the breaker stays open before it lets trial calls through.
		 */
		private Duration openFor = Duration.ofSeconds(30);

		public float getFailureRate() {
			return this.failureRate;
		}

		public void setFailureRate(float failureRate) {
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

	public static class Retry {

		/**
		 * Attempts in all, the first included.
		 */
		private int maxAttempts = 3;

		/**
		 * Wait before the first retry.
		 */
		private Duration backoff = Duration.ofMillis(200);

		/**
		 * Factor each following wait grows by.
		 */
		private double multiplier = 2;

		/**
		 * The exceptions retried, when not every one is: such as those that say the call
		 * never reached its target, so that a call that may have taken effect is not made
		 * twice.
		 */
		private List<Class<? extends Throwable>> retryOn = new ArrayList<>();

		public List<Class<? extends Throwable>> getRetryOn() {
			return this.retryOn;
		}

		public void setRetryOn(List<Class<? extends Throwable>> retryOn) {
			this.retryOn = retryOn;
		}

		public int getMaxAttempts() {
			return this.maxAttempts;
		}

		public void setMaxAttempts(int maxAttempts) {
			this.maxAttempts = maxAttempts;
		}

		public Duration getBackoff() {
			return this.backoff;
		}

		public void setBackoff(Duration backoff) {
			this.backoff = backoff;
		}

		public double getMultiplier() {
			return this.multiplier;
		}

		public void setMultiplier(double multiplier) {
			this.multiplier = multiplier;
		}

	}

}
