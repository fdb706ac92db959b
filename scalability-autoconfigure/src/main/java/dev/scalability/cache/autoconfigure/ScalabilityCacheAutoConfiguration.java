package dev.scalability.cache.autoconfigure;

import java.util.ArrayList;
import java.util.List;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.scalability.autoconfigure.Backend;
import dev.scalability.autoconfigure.InvalidPropertyException;
import dev.scalability.autoconfigure.ConditionalOnScalabilityFeature;
import dev.scalability.autoconfigure.PayloadCodecConfiguration;
import dev.scalability.autoconfigure.RedisGuards;
import dev.scalability.autoconfigure.ScalabilityAutoConfiguration;
import dev.scalability.cache.CacheObserver;
import dev.scalability.cache.CacheValueCodec;
import dev.scalability.cache.CacheWarmer;
import dev.scalability.cache.TwoLevelCacheManager;
import dev.scalability.cache.annotation.CacheableLoadsOnce;
import dev.scalability.cache.metrics.MicrometerCacheObserver;
import dev.scalability.cache.redis.CacheInvalidations;
import dev.scalability.cache.redis.RedisCacheStore;
import dev.scalability.redis.DedicatedConnections;
import dev.scalability.redis.InstanceRegistry;
import dev.scalability.redis.RedisKeys;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.MeterRegistry;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cache.CacheManager;
import org.springframework.cache.interceptor.CacheAspectSupport;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.util.unit.DataSize;

/**
 * The two-level cache: a {@link CacheManager} whose caches keep entries in each
 * instance's memory (Caffeine), in front of Redis on the {@code redis} backend, for an
 * application with caching on ({@code @EnableCaching}). It backs off when the application
 * defines a {@link CacheManager} of its own or chooses one of Spring Boot's with
 * {@code spring.cache.type}, and replaces Spring Boot's otherwise.
 */
@AutoConfiguration(after = ScalabilityAutoConfiguration.class,
		beforeName = "org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration",
		afterName = { "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration",
				"org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration" })
@ConditionalOnScalabilityFeature(ScalabilityCacheAutoConfiguration.FEATURE)
@ConditionalOnClass({ Caffeine.class, CacheManager.class, JsonMapper.class })
@ConditionalOnBean(CacheAspectSupport.class)
@Conditional(OnNoCacheTypeChosenCondition.class)
@EnableConfigurationProperties(ScalabilityCacheProperties.class)
public final class ScalabilityCacheAutoConfiguration {

	static final String FEATURE = "cache";

	static final String TRUSTED_PACKAGES_PROPERTY = "scalability.cache.trusted-packages";

	@Bean
	@ConditionalOnMissingBean
	CacheValueCodec cacheValueCodec(ObjectProvider<JsonMapper> jsonMapper, Environment environment,
			BeanFactory beanFactory, ScalabilityCacheProperties properties) {
		List<String> trusted = new ArrayList<>(PayloadCodecConfiguration.trustedPackages(environment, beanFactory,
				List.of(TRUSTED_PACKAGES_PROPERTY)));
		DataSize threshold = properties.getCompressionThreshold();
		if (threshold == null || threshold.isNegative() || threshold.toBytes() > Integer.MAX_VALUE) {
			throw new InvalidPropertyException(CacheSpecsBuilder.PREFIX + ".compression-threshold", threshold,
					"must be between 0B and 2GB", "such as 1KB.");
		}
		return new CacheValueCodec(jsonMapper.getIfAvailable(JsonMapper::new), trusted, (int) threshold.toBytes());
	}

	/**
	 * Lone {@code @Cacheable} operations load through the two-level cache, once per key at a
	 * time. Installed once every singleton is made: the caching interceptor is made too
	 * early for a bean post-processor to see it.
	 */
	@Bean
	@ConditionalOnMissingBean(name = "cacheableLoadsOnce")
	SmartInitializingSingleton cacheableLoadsOnce(ObjectProvider<CacheAspectSupport> aspects,
			ObjectProvider<CacheManager> cacheManager) {
		return () -> {
			if (!(cacheManager.getIfUnique() instanceof TwoLevelCacheManager)) {
				return;
			}
			aspects.orderedStream().forEach((aspect) -> {
				if (aspect.getCacheOperationSource() != null
						&& !(aspect.getCacheOperationSource() instanceof CacheableLoadsOnce)) {
					aspect.setCacheOperationSource(new CacheableLoadsOnce(aspect.getCacheOperationSource()));
				}
			});
		};
	}

	/**
	 * The application's {@link CacheWarmer}s, run before it takes traffic.
	 */
	@Bean
	@ConditionalOnBean(CacheWarmer.class)
	@ConditionalOnMissingBean
	CacheWarming cacheWarming(ObjectProvider<CacheWarmer> warmers, CacheManager caches) {
		return new CacheWarming(warmers.orderedStream().toList(), caches);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnScalabilityFeature(value = FEATURE, backend = Backend.MEMORY)
	static class MemoryBackendConfiguration {

		@Bean
		@ConditionalOnMissingBean(CacheManager.class)
		TwoLevelCacheManager cacheManager(ScalabilityCacheProperties properties, CacheValueCodec codec,
				ObjectProvider<CacheObserver> observer) {
			CacheSpecsBuilder specs = new CacheSpecsBuilder(properties);
			return new TwoLevelCacheManager(specs.configured(), specs.defaults(), null, codec,
					observer.getIfAvailable(() -> CacheObserver.NONE), Ticker.systemTicker());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnScalabilityFeature(value = FEATURE, backend = Backend.REDIS)
	@ConditionalOnClass({ RedisConnectionFactory.class, CircuitBreaker.class })
	static class RedisBackendConfiguration {

		@Bean
		@ConditionalOnMissingBean
		RedisCacheStore redisCacheStore(ScalabilityCacheProperties properties, RedisGuards guards, RedisKeys keys,
				InstanceRegistry instances, ObjectProvider<CacheObserver> observer) {
			return new RedisCacheStore(guards.forFeature(FEATURE, properties.getRedis()), keys, instances.id(),
					observer.getIfAvailable(() -> CacheObserver.NONE));
		}

		@Bean
		@ConditionalOnMissingBean(CacheManager.class)
		TwoLevelCacheManager cacheManager(ScalabilityCacheProperties properties, CacheValueCodec codec,
				RedisCacheStore store, ObjectProvider<CacheObserver> observer) {
			CacheSpecsBuilder specs = new CacheSpecsBuilder(properties);
			return new TwoLevelCacheManager(specs.configured(), specs.defaults(), store, codec,
					observer.getIfAvailable(() -> CacheObserver.NONE), Ticker.systemTicker());
		}

		@Bean
		@ConditionalOnBean(TwoLevelCacheManager.class)
		@ConditionalOnMissingBean
		CacheInvalidations cacheInvalidations(RedisCacheStore store, TwoLevelCacheManager caches,
				InstanceRegistry instances, RedisGuards guards, ScalabilityCacheProperties properties,
				RedisConnectionFactory connectionFactory) {
			return new CacheInvalidations(new DedicatedConnections((LettuceConnectionFactory) connectionFactory), store,
					instances.id(), caches, guards.timeout(FEATURE, properties.getRedis()).multipliedBy(5));
		}

		@Bean
		@ConditionalOnBean(CacheInvalidations.class)
		@ConditionalOnMissingBean
		CacheInvalidationsLifecycle cacheInvalidationsLifecycle(CacheInvalidations invalidations) {
			return new CacheInvalidationsLifecycle(invalidations);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterRegistry.class)
	@ConditionalOnBean(MeterRegistry.class)
	static class MetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean(CacheObserver.class)
		MicrometerCacheObserver cacheObserver(MeterRegistry registry) {
			return new MicrometerCacheObserver(registry);
		}

	}

}
