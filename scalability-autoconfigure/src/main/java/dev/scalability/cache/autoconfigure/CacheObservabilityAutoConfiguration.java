package dev.scalability.cache.autoconfigure;

import dev.scalability.cache.TwoLevelCacheManager;
import dev.scalability.cache.actuate.CacheSnapshotContributor;
import dev.scalability.cache.health.CacheHealthIndicator;
import dev.scalability.redis.RedisConnectionProbe;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Health {@code cache} and the cache's part of {@code /actuator/scalability}, for the
 * two-level cache manager once it is there.
 */
@AutoConfiguration(after = ScalabilityCacheAutoConfiguration.class)
@ConditionalOnBean(TwoLevelCacheManager.class)
public final class CacheObservabilityAutoConfiguration {

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(HealthIndicator.class)
	@ConditionalOnEnabledHealthIndicator("cache")
	static class HealthConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "cacheHealthIndicator")
		CacheHealthIndicator cacheHealthIndicator(TwoLevelCacheManager caches,
				ObjectProvider<RedisConnectionProbe> probe) {
			return new CacheHealthIndicator(caches, probe.getIfAvailable());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(Endpoint.class)
	static class EndpointConfiguration {

		@Bean
		@ConditionalOnMissingBean
		CacheSnapshotContributor cacheSnapshotContributor(TwoLevelCacheManager caches) {
			return new CacheSnapshotContributor(caches);
		}

	}

}
