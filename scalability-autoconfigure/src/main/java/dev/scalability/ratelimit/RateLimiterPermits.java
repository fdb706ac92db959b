package dev.scalability.ratelimit;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import dev.scalability.permits.PermitGrant;
import dev.scalability.permits.PermitLimit;
import dev.scalability.permits.RatePermits;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Permits by rate from the rate limiter, as token buckets: shared by every instance when
 * its backend is Redis, its fail-mode applying while Redis is away.
 */
public final class RateLimiterPermits implements RatePermits {

	private static final Log logger = LogFactory.getLog(RateLimiterPermits.class);

	private static final long UNAVAILABLE_RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);

	/**
	 * The longest a refused caller waits before it asks again: a window of an hour must not
	 * leave it asleep for most of it once permits are back.
	 */
	private static final long LONGEST_WAIT_NANOS = TimeUnit.SECONDS.toNanos(1);

	private final RateLimiter limiter;

	private final Map<PermitLimit, RateLimitPolicy> policies = new ConcurrentHashMap<>();

	public RateLimiterPermits(RateLimiter limiter) {
		this.limiter = limiter;
	}

	@Override
	public PermitGrant take(PermitLimit limit, String key, int wanted) {
		if (wanted <= 0) {
			return PermitGrant.unlimited(0);
		}
		RateLimitPolicy policy = policy(limit);
		try {
			int asked = (int) Math.min(wanted, limit.capacity());
			RateLimitDecision decision = this.limiter.acquire(policy, key, asked, AcquireMode.ACQUIRE);
			if (decision.allowed()) {
				return new PermitGrant(asked, 0, decision.source());
			}
			if (decision.remaining() > 0 && decision.remaining() < asked) {
				int fewer = (int) decision.remaining();
				RateLimitDecision partial = this.limiter.acquire(policy, key, fewer, AcquireMode.ACQUIRE);
				if (partial.allowed()) {
					return new PermitGrant(fewer, 0, partial.source());
				}
				decision = partial;
			}
			long wait = Math.min(LONGEST_WAIT_NANOS,
					Math.max(decision.retryAfterNanos(), TimeUnit.MILLISECONDS.toNanos(1)));
			return new PermitGrant(0, wait, decision.source());
		}
		catch (RuntimeException ex) {
			// The limiter's own fail-mode answers when it can; this is what it refused to.
			logger.debug("No permits of '" + limit.name() + "' for now: " + ex.getMessage());
			return new PermitGrant(0, UNAVAILABLE_RETRY_NANOS, RateLimitDecision.Source.BACKEND);
		}
	}

	@Override
	public void giveBack(PermitLimit limit, String key, PermitGrant grant, int unused) {
		if (unused <= 0) {
			return;
		}
		RateLimitDecision.Source source = (grant.grantedBy() instanceof RateLimitDecision.Source granted) ? granted
				: RateLimitDecision.Source.BACKEND;
		try {
			this.limiter.refund(policy(limit), key, Math.min(unused, grant.permits()), source);
		}
		catch (RuntimeException ex) {
			// Under-admission only: the permits come back with time.
			logger.debug("Unused permits of '" + limit.name() + "' not given back: " + ex.getMessage());
		}
	}

	@Override
	public boolean shared() {
		return this.limiter.usesRedis();
	}

	private RateLimitPolicy policy(PermitLimit limit) {
		return this.policies.computeIfAbsent(limit, (key) -> RateLimitPolicy.of(key.name(),
				RateLimitAlgorithm.TOKEN_BUCKET, new RateLimit(key.limit(), key.window(), key.burst())));
	}

}
