package dev.scalability.protection;

import java.time.Duration;

/**
 * A policy did not let a call through, or gave up waiting for it. Its cause, when there is
 * one, is Resilience4j's own exception.
 */
public class ProtectionException extends RuntimeException {

	private final String policy;

	private final Reason reason;

	private final Duration retryAfter;

	/**
	 * Creates an exception.
	 * @param policy the policy's name
	 * @param reason why the call did not go through
	 * @param retryAfter when to try again, or {@code null} when unknown
	 * @param cause the underlying exception, or {@code null}
	 */
	public ProtectionException(String policy, Reason reason, Duration retryAfter, Throwable cause) {
		super(reason.describe(policy), cause);
		this.policy = policy;
		this.reason = reason;
		this.retryAfter = retryAfter;
	}

	public String getPolicy() {
		return this.policy;
	}

	public Reason getReason() {
		return this.reason;
	}

	/**
	 * When to try again.
	 * @return the wait, or {@code null} when unknown
	 */
	public Duration getRetryAfter() {
		return this.retryAfter;
	}

	/**
	 * Why a call did not go through.
	 */
	public enum Reason {

		/**
		 * The policy's rate limit has no permit left.
		 */
		RATE_LIMITED("is over its rate limit"),

		/**
		 * The policy's bulkhead is full.
		 */
		BULKHEAD_FULL("has no room left in its bulkhead"),

		/**
		 * The call took longer than the policy's timeout.
		 */
		TIMED_OUT("timed out"),

		/**
		 * The policy's circuit breaker is open.
		 */
		CIRCUIT_OPEN("has its circuit breaker open");

		private final String description;

		Reason(String description) {
			this.description = description;
		}

		String describe(String policy) {
			return "Protection policy '" + policy + "' " + this.description;
		}

		/**
		 * The reason's name as meters tag it.
		 * @return such as {@code rate_limited}
		 */
		public String tag() {
			return name().toLowerCase(java.util.Locale.ROOT);
		}

	}

}
