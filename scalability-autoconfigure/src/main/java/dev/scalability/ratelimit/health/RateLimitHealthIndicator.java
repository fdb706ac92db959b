package dev.scalability.ratelimit.health;

import java.util.Locale;

import dev.scalability.ratelimit.FailMode;
import dev.scalability.ratelimit.FailoverRateLimiter;
import dev.scalability.ratelimit.RateLimiter;
import dev.scalability.ratelimit.memory.MemoryRateLimiter;
import dev.scalability.redis.RedisConnectionProbe;
import dev.scalability.redis.RedisConnectionState;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Health of rate limiting. In memory it is always up. On Redis it says whether Redis
 * answers and which fail-mode is in force: an unreachable Redis leaves the service up with
 * {@code local} or {@code open} (it keeps serving; the details say it is degraded) and
 * down with {@code closed} (limited routes refuse every request).
 */
public class RateLimitHealthIndicator extends AbstractHealthIndicator {

	private final RateLimiter limiter;

	private final RedisConnectionProbe probe;

	/**
	 * Creates an indicator.
	 * @param limiter the limiter in use
	 * @param probe checks Redis; {@code null} with the memory backend
	 */
	public RateLimitHealthIndicator(RateLimiter limiter, RedisConnectionProbe probe) {
		super("Rate-limit health check failed");
		this.limiter = limiter;
		this.probe = probe;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		if (!(this.limiter instanceof FailoverRateLimiter failover) || this.probe == null) {
			builder.up().withDetail("backend", "memory");
			if (this.limiter instanceof MemoryRateLimiter memory) {
				builder.withDetail("trackedKeys", memory.trackedKeys());
			}
			return;
		}
		RedisConnectionState state = this.probe.probe();
		FailMode failMode = failover.failMode();
		builder.withDetail("backend", "redis")
			.withDetail("redis", state.status())
			.withDetail("failMode", failMode.name().toLowerCase(Locale.ROOT))
			.withDetail("circuitBreaker", failover.circuitBreaker().getState().name());
		if (state.reachable()) {
			builder.up();
			return;
		}
		builder.withDetail("error", state.error());
		if (failMode == FailMode.CLOSED) {
			builder.down();
		}
		else {
			builder.up().withDetail("degraded", true);
		}
	}

}
