package dev.scalability.ratelimit;

import java.time.Duration;

/**
 * The answer to one request for permits.
 *
 * @param allowed whether the permits were granted
 * @param policy the policy that decided
 * @param limitIndex which of the policy's limits is the binding one: the one with the
 * fewest permits left when allowed, the one that refused when not
 * @param remaining permits left under that limit
 * @param resetNanos time until that limit makes more permits available than
 * {@code remaining} (the {@code t} of the {@code RateLimit} header); 0 when its quota is whole
 * @param retryAfterNanos time until the same request could be granted; 0 when allowed. Never
 * earlier than {@code resetNanos} for a refusal
 * @param source who decided
 * @param holdNanos how long the permits granted stay taken, when the decision knows it
 * better than its binding limit's state tells ({@link #heldForNanos()}); otherwise
 * {@link #UNKNOWN_HOLD}
 */
public record RateLimitDecision(boolean allowed, RateLimitPolicy policy, int limitIndex, long remaining,
		long resetNanos, long retryAfterNanos, Source source, long holdNanos) {

	/**
	 * The {@code holdNanos} of a decision whose hold follows from its limit's state.
	 */
	public static final long UNKNOWN_HOLD = Long.MIN_VALUE;

	/**
	 * A decision whose hold follows from its limit's state.
	 * @param allowed whether the permits were granted
	 * @param policy the policy that decided
	 * @param limitIndex which of the policy's limits is the binding one
	 * @param remaining permits left under that limit
	 * @param resetNanos time until that limit makes more permits available
	 * @param retryAfterNanos time until the same request could be granted
	 * @param source who decided
	 */
	public RateLimitDecision(boolean allowed, RateLimitPolicy policy, int limitIndex, long remaining, long resetNanos,
			long retryAfterNanos, Source source) {
		this(allowed, policy, limitIndex, remaining, resetNanos, retryAfterNanos, source, UNKNOWN_HOLD);
	}

	/**
	 * Who made a decision.
	 */
	public enum Source {

		/**
		 * The configured backend, shared by every instance when it is Redis.
		 */
		BACKEND,

		/**
		 * The fail-mode, because the shared backend could not be reached.
		 */
		FALLBACK

	}

	/**
	 * The limit that bound this decision.
	 * @return the limit
	 */
	public RateLimit limit() {
		return this.policy.limits().get(this.limitIndex);
	}

	public Duration reset() {
		return Duration.ofNanos(this.resetNanos);
	}

	public Duration retryAfter() {
		return Duration.ofNanos(this.retryAfterNanos);
	}

	/**
	 * Whole seconds until the request could be granted, rounded up so that a client that
	 * waits this long is not refused again for the same reason.
	 * @return the seconds, at least 1 when refused, 0 when allowed
	 */
	public long retryAfterSeconds() {
		return ceilSeconds(this.retryAfterNanos);
	}

	/**
	 * Whole seconds until more permits are available, rounded up.
	 * @return the seconds
	 */
	public long resetSeconds() {
		return ceilSeconds(this.resetNanos);
	}

	/**
	 * The same decision, made by someone else.
	 * @param source who made it
	 * @return the decision
	 */
	public RateLimitDecision withSource(Source source) {
		return new RateLimitDecision(this.allowed, this.policy, this.limitIndex, this.remaining, this.resetNanos,
				this.retryAfterNanos, source, this.holdNanos);
	}

	/**
	 * How long the permits this decision granted stay taken under its binding limit: past
	 * that, the limit has recovered them on its own, and giving them back would grant them
	 * twice. A token bucket recovers a permit one emission interval after the time it is
	 * full again; windows recover theirs when they roll, which their refunds check
	 * themselves. A permit leased out of a bucket is held until the state its lease left.
	 * @return nanoseconds, {@link Long#MAX_VALUE} when the limit is not a token bucket
	 */
	public long heldForNanos() {
		if (this.policy.algorithm() != RateLimitAlgorithm.TOKEN_BUCKET || !this.allowed) {
			return Long.MAX_VALUE;
		}
		if (this.holdNanos != UNKNOWN_HOLD) {
			return this.holdNanos;
		}
		RateLimit limit = limit();
		long interval = limit.emissionIntervalMicros() * 1_000;
		return this.resetNanos - (this.remaining + 1) * interval + interval * limit.capacity();
	}

	/**
	 * Whole seconds in a duration, rounded up.
	 * @param nanos the duration in nanoseconds
	 * @return the seconds
	 */
	public static long ceilSeconds(long nanos) {
		return (nanos <= 0) ? 0 : (nanos + 999_999_999L) / 1_000_000_000L;
	}

}
