package dev.scalability.ratelimit;

import java.util.concurrent.TimeUnit;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;

/**
 * Puts a circuit breaker in front of a shared backend and applies the fail-mode while it
 * cannot be reached. Once the breaker is open, no request waits for the dead backend;
 * after a while the breaker lets a few calls through and closes again when they succeed,
 * so recovery needs no one.
 */
public class FailoverRateLimiter implements RateLimiter {

	private final RateLimiter backend;

	private final CircuitBreaker circuitBreaker;

	private final FailMode failMode;

	private final RateLimiter local;

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
			return fallback(policy, key, permits, mode,
					CallNotPermittedException.createCallNotPermittedException(this.circuitBreaker));
		}
		long start = System.nanoTime();
		try {
			RateLimitDecision decision = this.backend.acquire(policy, key, permits, mode);
			this.circuitBreaker.onSuccess(System.nanoTime() - start, TimeUnit.NANOSECONDS);
			return decision;
		}
		catch (RuntimeException ex) {
			this.circuitBreaker.onError(System.nanoTime() - start, TimeUnit.NANOSECONDS, ex);
			return fallback(policy, key, permits, mode, ex);
		}
	}

	private RateLimitDecision fallback(RateLimitPolicy policy, String key, long permits, AcquireMode mode,
			RuntimeException cause) {
		return switch (this.failMode) {
			case LOCAL -> this.local.acquire(policy, key, permits, mode).withSource(RateLimitDecision.Source.FALLBACK);
			case OPEN -> new RateLimitDecision(true, policy, 0, policy.limits().get(0).limit(), 0, 0,
					RateLimitDecision.Source.FALLBACK);
			case CLOSED -> throw new RateLimiterUnavailableException(policy.name(), cause);
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
