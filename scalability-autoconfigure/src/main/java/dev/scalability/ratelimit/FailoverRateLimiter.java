package dev.scalability.ratelimit;

import java.util.concurrent.TimeUnit;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;

/**
 * Puts a circuit breaker in front of a shared backend and applies the fail-mode while it
 * cannot be reached. Once the breaker is open, no request waits for the dead backend;
 * after a while the breaker lets a few calls through and closes again when they succeed,
 * so recovery needs no one. Successes are reported to the breaker from the first failure
 * on, for 30 seconds after the last one: the breaker's window then holds the calls around
 * the failures, and a healthy backend costs no bookkeeping.
 */
public class FailoverRateLimiter implements RateLimiter {

	/**
	 * How long after a failure every outcome is reported to the breaker, so that it judges
	 * the failure rate on the calls around failures.
	 */
	private static final long WATCH_AFTER_FAILURE_NANOS = TimeUnit.SECONDS.toNanos(30);

	private final RateLimiter backend;

	private final CircuitBreaker circuitBreaker;

	private final FailMode failMode;

	private final RateLimiter local;

	/**
	 * Until when successes are reported to the breaker, in {@link System#nanoTime()}.
	 * While the backend has not failed for a while the breaker has nothing to decide, and
	 * reporting every success would serialise every decision on the breaker's window.
	 */
	private volatile long watchUntil = System.nanoTime();

	/**
	 * Creates a limiter.
	 * @param backend the shared backend
	 * @param circuitBreaker guards the backend
	 * @param failMode what to do while the backend is unavailable
	 * @param local the per-instance limiter used with {@link FailMode#LOCAL}
	 */
	public FailoverRateLimiter(RateLimiter backend, CircuitBreaker circuitBreaker, FailMode failMode,
			RateLimiter local) {
		this.backend = backend;
		this.circuitBreaker = circuitBreaker;
		this.failMode = failMode;
		this.local = local;
	}

	@Override
	public RateLimitDecision acquire(RateLimitPolicy policy, String key, long permits, AcquireMode mode) {
		if (!this.circuitBreaker.tryAcquirePermission()) {
			return fallback(policy, key, permits, mode, null);
		}
		long start = System.nanoTime();
		try {
			RateLimitDecision decision = this.backend.acquire(policy, key, permits, mode);
			if (start - this.watchUntil < 0 || this.circuitBreaker.getState() != CircuitBreaker.State.CLOSED) {
				this.circuitBreaker.onSuccess(System.nanoTime() - start, TimeUnit.NANOSECONDS);
			}
			return decision;
		}
		catch (RuntimeException ex) {
			long end = System.nanoTime();
			if (end - this.watchUntil >= 0 && this.circuitBreaker.getState() == CircuitBreaker.State.CLOSED) {
				// The first failure after a quiet spell: outcomes recorded around an earlier
				// incident, maybe days ago, must not count towards this one.
				this.circuitBreaker.reset();
			}
			this.watchUntil = end + WATCH_AFTER_FAILURE_NANOS;
			this.circuitBreaker.onError(end - start, TimeUnit.NANOSECONDS, ex);
			return fallback(policy, key, permits, mode, ex);
		}
	}

	private RateLimitDecision fallback(RateLimitPolicy policy, String key, long permits, AcquireMode mode,
			RuntimeException cause) {
		return switch (this.failMode) {
			case LOCAL -> this.local.acquire(policy, key, permits, mode).withSource(RateLimitDecision.Source.FALLBACK);
			case OPEN -> new RateLimitDecision(true, policy, 0, policy.limits().get(0).limit(), 0, 0,
					RateLimitDecision.Source.FALLBACK);
			case CLOSED -> throw new RateLimiterUnavailableException(policy.name(), (cause != null) ? cause
					: CallNotPermittedException.createCallNotPermittedException(this.circuitBreaker));
		};
	}

	public FailMode failMode() {
		return this.failMode;
	}

	public CircuitBreaker circuitBreaker() {
		return this.circuitBreaker;
	}

	public RateLimiter local() {
		return this.local;
	}

}
