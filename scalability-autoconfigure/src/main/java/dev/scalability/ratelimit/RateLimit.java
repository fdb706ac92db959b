package dev.scalability.ratelimit;

import java.time.Duration;

import org.springframework.util.Assert;

/**
 * One limit: at most {@code limit} permits per {@code window}, with {@code burst} extra
 * permits of capacity for the token bucket.
 *
 * @param limit permits per window, at least 1
 * @param window the window, in whole milliseconds, at least one
 * @param burst extra capacity above the limit (token bucket only), at least 0
 */
public record RateLimit(long limit, Duration window, long burst) {

	public RateLimit {
		Assert.isTrue(limit > 0, "limit must be positive");
		Assert.notNull(window, "window must not be null");
		Assert.isTrue(window.toMillis() >= 1, "window must be at least 1ms");
		Assert.isTrue(window.toNanos() % 1_000_000 == 0, "window must be whole milliseconds");
		Assert.isTrue(burst >= 0, "burst must not be negative");
		Assert.isTrue(window.toNanos() / 1_000 >= limit, "limit must not exceed one per microsecond of the window");
	}

	public static RateLimit of(long limit, Duration window) {
		return new RateLimit(limit, window, 0);
	}

	/**
	 * The token bucket's time between two permits, rounded up to a whole microsecond (the
	 * unit of Redis's clock), so that a bucket never refills faster than its limit.
	 * @return the interval in microseconds
	 */
	public long emissionIntervalMicros() {
		long windowMicros = this.window.toNanos() / 1_000;
		return (windowMicros + this.limit - 1) / this.limit;
	}

	/**
	 * The same limit for one of several instances that each count alone, so that together
	 * they grant no more than the limit: {@code limit} and {@code burst} divided by
	 * {@code instances}, rounded down; when that leaves less than one permit, one permit
	 * over a window stretched {@code instances / limit} times (rounded up), the same rate.
	 * @param instances how many instances share the limit, at least 1
	 * @return the share
	 */
	public RateLimit share(int instances) {
		if (instances <= 1) {
			return this;
		}
		if (this.limit >= instances) {
			return new RateLimit(this.limit / instances, this.window, this.burst / instances);
		}
		long stretch = (instances + this.limit - 1) / this.limit;
		return new RateLimit(1, this.window.multipliedBy(stretch), 0);
	}

	/**
	 * The most permits available at once.
	 * @return {@code limit + burst}
	 */
	public long capacity() {
		return this.limit + this.burst;
	}

}
