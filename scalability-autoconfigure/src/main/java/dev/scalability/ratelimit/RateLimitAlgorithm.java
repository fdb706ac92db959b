package dev.scalability.ratelimit;

/**
 * How a limit counts requests.
 */
public enum RateLimitAlgorithm {

	/**
	 * A bucket of {@code limit + burst} tokens refilled at {@code limit} per window,
	 * computed exactly as the generic cell rate algorithm (one timestamp per key). Smooth:
	 * a client that spends its burst gets one request every {@code window / limit} after.
	 */
	TOKEN_BUCKET,

	/**
	 * A sliding-window counter: the count of the current fixed window plus the count of the
	 * previous one weighted by how much of it still lies inside the sliding window. Exact
	 * when the previous window's requests were evenly spread; when they were bunched at
	 * its end it under-counts them, so in the worst case a sliding window of length
	 * {@code window} can see up to {@code limit * (1 + f)} requests, {@code f} being how far
	 * the current fixed window has advanced (always less than {@code 2 * limit}).
	 */
	SLIDING_WINDOW,

	/**
	 * A counter per fixed window aligned on the clock. Cheapest, but a client can send
	 * {@code limit} requests at the end of one window and {@code limit} at the start of the
	 * next: up to {@code 2 * limit} within one window's length across a boundary.
	 */
	FIXED_WINDOW

}
