package dev.scalability.ratelimit;

/**
 * Hears every decision, for metrics.
 */
public interface RateLimitObserver {

	/**
	 * An observer that does nothing.
	 */
	RateLimitObserver NONE = new RateLimitObserver() {
	};

	/**
	 * A decision was made.
	 * @param policy the policy
	 * @param decision the decision
	 */
	default void decided(RateLimitPolicy policy, RateLimitDecision decision) {
	}

	/**
	 * No decision could be made (fail-mode closed and the backend unavailable).
	 * @param policy the policy
	 */
	default void failed(RateLimitPolicy policy) {
	}

}
