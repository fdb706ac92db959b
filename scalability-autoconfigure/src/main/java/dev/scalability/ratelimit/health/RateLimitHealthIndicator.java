package dev.scalability.ratelimit.health;

import dev.scalability.actuate.BackendHealth;
import dev.scalability.ratelimit.RateLimiter;
import dev.scalability.redis.RedisConnectionProbe;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Health of rate limiting: up in memory; on Redis, whether Redis answers and which
 * fail-mode is in force. An unreachable Redis leaves the service up, with
 * {@code degraded: true}, whatever the fail-mode: with {@code closed} only the limited
 * routes refuse requests, and taking every instance out of rotation for a Redis they all
 * share would take the whole service down.
 */
public class RateLimitHealthIndicator extends AbstractHealthIndicator {

	private final RateLimiter limiter;

	private final RedisConnectionProbe probe;

	/**
	 * Creates an indicator.
	 * @param limiter the limiter in use
	 * @param probe checks Redis; {@code null} when the application has no Redis
	 */
	public RateLimitHealthIndicator(RateLimiter limiter, RedisConnectionProbe probe) {
		super("Rate-limit health check failed");
		this.limiter = limiter;
		this.probe = probe;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		BackendHealth.report(builder, this.limiter, this.probe);
	}

}
