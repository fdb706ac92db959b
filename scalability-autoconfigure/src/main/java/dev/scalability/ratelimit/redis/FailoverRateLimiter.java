package dev.scalability.ratelimit.redis;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.scalability.ratelimit.AcquireMode;
import dev.scalability.ratelimit.FailMode;
import dev.scalability.ratelimit.RateLimitDecision;
import dev.scalability.ratelimit.RateLimitPolicy;
import dev.scalability.ratelimit.RateLimiter;
import dev.scalability.ratelimit.RateLimiterUnavailableException;
import dev.scalability.redis.RedisCallException;
import dev.scalability.redis.RedisTimeBudget;
import dev.scalability.redis.RedisWarmUp;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Decides on Redis, and applies the fail-mode when Redis gives no answer: its breaker is
 * open, it timed out, or it has no room for a new key. Recovery needs no one: the breaker
 * of {@link dev.scalability.redis.GuardedRedis} lets calls through again by itself.
 *
 * <p>With {@link FailMode#LOCAL}, each instance limits alone to its share of every limit:
 * the limit divided by the number of instances that shared Redis when it was last reached
 * (see {@link dev.scalability.ratelimit.RateLimit#share(int)}), so that together they
 * admit no more than the limit, not the limit each.
 */
public class FailoverRateLimiter implements RateLimiter, RedisWarmUp, AutoCloseable {

	private static final Log logger = LogFactory.getLog(FailoverRateLimiter.class);

	private static final long LOG_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);

	private final RedisRateLimiter redis;

	private final RateLimitLeases leases;

	private final FailMode failMode;

	private final RateLimiter local;

	private final IntSupplier instances;

	private final Cache<RateLimitPolicy, Share> shares = Caffeine.newBuilder()
		.weakKeys()
		.executor(Runnable::run)
		.build();

	private volatile long lastLogged = System.nanoTime() - LOG_EVERY_NANOS;

	/**
	 * Creates a limiter.
	 * @param redis decides while Redis answers
	 * @param failMode what to do while it does not
	 * @param local the per-instance limiter used with {@link FailMode#LOCAL}
	 * @param instances how many instances share the limits (at least 1)
	 */
	public FailoverRateLimiter(RedisRateLimiter redis, FailMode failMode, RateLimiter local, IntSupplier instances) {
		this(redis, failMode, local, instances, null);
	}

	/**
	 * Creates a limiter whose hot keys decide from permits leased out of Redis.
	 * @param redis the shared limiter
	 * @param failMode what to do when Redis fails
	 * @param local decides in this JVM on the fail-mode {@code local}
	 * @param instances how many instances share the limits
	 * @param leases the leases, or {@code null} for exact decisions only
	 */
	public FailoverRateLimiter(RedisRateLimiter redis, FailMode failMode, RateLimiter local, IntSupplier instances,
			RateLimitLeases leases) {
		this.leases = leases;
		this.redis = redis;
		this.failMode = failMode;
		this.local = local;
		this.instances = instances;
	}

	@Override
	public RateLimitDecision acquire(RateLimitPolicy policy, String key, long permits, AcquireMode mode) {
		try {
			RateLimitLeases leases = this.leases;
			if (leases != null) {
				RateLimitDecision leased = leases.tryAcquire(policy, key, permits, mode);
				if (leased != null) {
					return leased;
				}
			}
			return this.redis.acquire(policy, key, permits, mode);
		}
		catch (RedisCallException ex) {
			return fallback(policy, key, permits, mode, ex);
		}
	}

	@Override
	public void refund(RateLimitPolicy policy, String key, long permits, RateLimitDecision.Source grantedBy) {
		if (grantedBy == RateLimitDecision.Source.FALLBACK) {
			if (this.failMode == FailMode.LOCAL) {
				// A decision of the fail-mode names the share it was taken from.
				this.local.acquire(policy, key, permits, AcquireMode.REFUND);
			}
			return;
		}
		// Never waited for; what does not arrive stays taken in Redis, which errs on the safe
		// side: giving it back anywhere else would grant one permit twice.
		this.redis.refundInBackground(policy, key, permits);
	}

	private RateLimitDecision fallback(RateLimitPolicy policy, String key, long permits, AcquireMode mode,
			RedisCallException cause) {
		logFallback(cause);
		return switch (this.failMode) {
			case LOCAL -> {
				// More permits than a share holds are refused, never granted for less.
				yield this.local.acquire(share(policy), key, permits, mode).withSource(RateLimitDecision.Source.FALLBACK);
			}
			case OPEN -> new RateLimitDecision(true, policy, 0, policy.limits().get(0).limit(), 0, 0,
					RateLimitDecision.Source.FALLBACK);
			case CLOSED -> throw new RateLimiterUnavailableException(policy.name(), cause);
		};
	}

	private RateLimitPolicy share(RateLimitPolicy policy) {
		int count = Math.max(1, this.instances.getAsInt());
		Share share = this.shares.getIfPresent(policy);
		if (share == null || share.instances != count) {
			share = new Share(count, policy.share(count));
			this.shares.put(policy, share);
		}
		return share.policy;
	}

	private void logFallback(RedisCallException cause) {
		long now = System.nanoTime();
		if (now - this.lastLogged >= LOG_EVERY_NANOS) {
			this.lastLogged = now;
			logger.warn("Rate limiting decides without Redis (fail-mode " + failModeName() + ", "
					+ ((this.failMode == FailMode.LOCAL) ? "each instance allowing 1/" + this.instances.getAsInt()
							+ " of every limit" : "") + "): " + cause.getMessage());
		}
	}

	private String failModeName() {
		return this.failMode.name().toLowerCase(Locale.ROOT);
	}

	/**
	 * Connects and loads the scripts ahead of the first decision.
	 * @param within how long to try
	 * @return whether Redis is ready
	 */
	@Override
	public boolean warmUp(Duration within) {
		return this.redis.warmUp(within);
	}

	/**
	 * Gives the permits leased and not used back to Redis.
	 */
	@Override
	public void close() {
		if (this.leases != null) {
			this.leases.close();
		}
	}

	/**
	 * The leases of hot keys.
	 * @return them, or {@code null} when decisions are exact only
	 */
	public RateLimitLeases leases() {
		return this.leases;
	}

	@Override
	public String backend() {
		return "redis";
	}

	@Override
	public boolean degraded() {
		return this.redis.degraded();
	}

	@Override
	public Map<String, Object> details() {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("failMode", failModeName());
		details.putAll(this.redis.details());
		details.put("instances", this.instances.getAsInt());
		details.put("trackedKeys", trackedKeys());
		if (this.leases != null) {
			details.put("leases", this.leases.details());
		}
		return details;
	}

	@Override
	public long trackedKeys() {
		return this.local.trackedKeys();
	}

	@Override
	public RedisTimeBudget requestBudget() {
		return this.redis.requestBudget();
	}

	public FailMode failMode() {
		return this.failMode;
	}

	public RedisRateLimiter redis() {
		return this.redis;
	}

	private record Share(int instances, RateLimitPolicy policy) {
	}

}
