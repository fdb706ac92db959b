package dev.scalability.cache.health;

import dev.scalability.actuate.BackendHealth;
import dev.scalability.cache.TwoLevelCacheManager;
import dev.scalability.redis.RedisConnectionProbe;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Health {@code cache}: up with its caches; degraded, and still up, while Redis cannot be
 * reached or its breaker holds calls back, since every read then goes on from memory and
 * the loaders.
 */
public class CacheHealthIndicator extends AbstractHealthIndicator {

	private final TwoLevelCacheManager caches;

	private final RedisConnectionProbe probe;

	/**
	 * Creates an indicator.
	 * @param caches the caches
	 * @param probe checks Redis; {@code null} when the application has no Redis
	 */
	public CacheHealthIndicator(TwoLevelCacheManager caches, RedisConnectionProbe probe) {
		super("Cache health check failed");
		this.caches = caches;
		this.probe = probe;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		BackendHealth.report(builder, this.caches, this.probe);
	}

}
