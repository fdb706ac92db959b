package dev.scalability.ratelimit;

import dev.scalability.backend.BackendStatus;
import dev.scalability.redis.RedisTimeBudget;

/**
 * Keeps the state of rate-limited keys and decides on requests for permits. The memory
 * implementation keeps it in this JVM; the Redis one shares it between instances.
 */
public interface RateLimiter extends BackendStatus {

	/**
	 * Decides on a request for permits.
	 * @param policy the limits to apply
	 * @param key who asks: a {@link RateLimitKey#value()}
	 * @param permits how many permits, at least 1 and at most the capacity of every limit
	 * @param mode what the request does to the key's state
	 * @return the decision
	 */
	RateLimitDecision acquire(RateLimitPolicy policy, String key, long permits, AcquireMode mode);

	/**
	 * Gives back permits taken earlier, to whoever granted them: a permit the fail-mode
	 * granted is given back where the fail-mode counts, never to the shared backend, and a
	 * permit the shared backend granted is never given back anywhere else.
	 * @param policy the limits
	 * @param key who took them
	 * @param permits how many
	 * @param grantedBy who granted them
	 */
	default void refund(RateLimitPolicy policy, String key, long permits, RateLimitDecision.Source grantedBy) {
		acquire(policy, key, permits, AcquireMode.REFUND);
	}

	/**
	 * How many keys this JVM tracks: those of the memory backend, or of the local fallback
	 * of a shared one.
	 * @return the number of keys, or -1 when none are kept here
	 */
	default long trackedKeys() {
		return -1;
	}

	/**
	 * What one web request, or one call of a rate-limited method, may wait for this
	 * backend in all: the filters and {@code @RateLimited} open it around their work.
	 * @return the budget, or {@code null} when decisions never wait for a server
	 */
	default RedisTimeBudget requestBudget() {
		return null;
	}

}
