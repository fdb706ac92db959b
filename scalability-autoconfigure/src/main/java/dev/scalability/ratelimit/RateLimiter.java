package dev.scalability.ratelimit;

/**
 * Keeps the state of rate-limited keys and decides on requests for permits. The memory
 * implementation keeps it in this JVM; the Redis one shares it between instances.
 */
public interface RateLimiter {

	/**
	 * Decides on a request for permits.
	 * @param policy the limits to apply
	 * @param key who asks (a client IP, a user name, ...); already bounded in length
	 * @param permits how many permits, at least 1 and at most the capacity of every limit
	 * @param mode what the request does to the key's state
	 * @return the decision
	 */
	RateLimitDecision acquire(RateLimitPolicy policy, String key, long permits, AcquireMode mode);

}
