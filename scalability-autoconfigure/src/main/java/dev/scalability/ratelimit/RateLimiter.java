package dev.scalability.ratelimit;

import dev.scalability.backend.BackendStatus;

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
	 * How many keys this JVM tracks: those of the memory backend, or of the local fallback
	 * of a shared one.
	 * @return the number of keys, or -1 when none are kept here
	 */
	default long trackedKeys() {
		return -1;
	}

}
