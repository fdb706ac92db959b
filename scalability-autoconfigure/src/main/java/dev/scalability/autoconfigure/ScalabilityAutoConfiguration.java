package dev.scalability.autoconfigure;

import java.time.Duration;
import java.util.List;

import dev.scalability.redis.GuardedRedis;
import dev.scalability.redis.InstanceRegistry;
import dev.scalability.redis.LettuceDefaultsCheck;
import dev.scalability.redis.RedisConnectionProbe;
import dev.scalability.redis.RedisConnector;
import dev.scalability.redis.RedisKeys;
import dev.scalability.redis.RedisWarmUp;
import dev.scalability.time.MonotonicClock;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Root auto-configuration of the starter: its properties, the clock, the check that a
 * Redis backend can be used, and, when a feature keeps its state in Redis, what every such
 * feature shares: the connection, the keys, the guards, the probe, the instance registry
 * and the warm-up before the application takes traffic.
 */
@AutoConfiguration(afterName = { "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration",
		"io.github.resilience4j.springboot.circuitbreaker.autoconfigure.CircuitBreakerAutoConfiguration" })
@ConditionalOnBooleanProperty(name = "scalability.enabled", matchIfMissing = true)
@EnableConfigurationProperties(ScalabilityProperties.class)
public final class ScalabilityAutoConfiguration {

	static final Duration REDIS_PROBE_TIMEOUT = Duration.ofSeconds(2);

	/**
	 * The longest a health check waits for a fresh answer from Redis: well under the 1 s a
	 * Kubernetes readiness probe allows by default.
	 */
	static final Duration REDIS_PROBE_MAX_WAIT = Duration.ofMillis(250);

	static final Duration HEARTBEAT_INTERVAL = Duration.ofSeconds(5);

	@Bean
	static BeanFactoryPostProcessor scalabilityRedisBackendVerifier(Environment environment) {
		return new RedisBackendVerifier(environment);
	}

	@Bean
	@ConditionalOnMissingBean
	MonotonicClock scalabilityClock() {
		return MonotonicClock.system();
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ RedisConnectionFactory.class, CircuitBreaker.class })
	@ConditionalOnBean(RedisConnectionFactory.class)
	@ConditionalOnRedisBackend
	static class RedisConfiguration {

		@Bean
		@ConditionalOnMissingBean
		RedisConnector scalabilityRedisConnector(RedisConnectionFactory connectionFactory, Environment environment) {
			if (!(connectionFactory instanceof LettuceConnectionFactory lettuce)) {
				throw new RedisBackendUnavailableException(
						BackendSelection.redisSelectingProperty(environment).orElse("scalability.backend"),
						RedisBackendUnavailableException.Reason.UNSUPPORTED_CLIENT);
			}
			SimpleAsyncTaskExecutor connectExecutor = new SimpleAsyncTaskExecutor("scalability-redis-connect-");
			connectExecutor.setDaemon(true);
			return new RedisConnector(lettuce, connectExecutor);
		}

		/**
		 * Warns at start-up when the application's Lettuce client keeps its unsafe
		 * defaults, naming what to set.
		 */
		@Bean
		@ConditionalOnMissingBean(name = "scalabilityLettuceDefaultsCheck")
		SmartInitializingSingleton scalabilityLettuceDefaultsCheck(RedisConnectionFactory connectionFactory,
				Environment environment) {
			return () -> {
				if (connectionFactory instanceof LettuceConnectionFactory lettuce) {
					List<String> features = BackendSelection.FEATURES.stream()
						.filter((feature) -> BackendSelection.isEnabled(environment, feature)
								&& BackendSelection.of(environment, feature).backend() == Backend.REDIS)
						.toList();
					if (!features.isEmpty()) {
						LettuceDefaultsCheck.warnIfUnsafe(lettuce.getClientConfiguration(), features);
					}
				}
			};
		}

		@Bean
		@ConditionalOnMissingBean
		RedisKeys scalabilityRedisKeys(ScalabilityProperties properties) {
			try {
				return new RedisKeys(properties.getRedis().getKeyPrefix());
			}
			catch (IllegalArgumentException ex) {
				throw new InvalidPropertyException("scalability.redis.key-prefix",
						properties.getRedis().getKeyPrefix(), ex.getMessage(),
						"use letters, digits and ':' only, such as 'myapp:'.");
			}
		}

		@Bean
		@ConditionalOnMissingBean
		RedisGuards scalabilityRedisGuards(RedisConnector connector, ScalabilityProperties properties,
				CircuitBreakerRegistry circuitBreakerRegistry) {
			return new RedisGuards(connector, properties.getRedis(), circuitBreakerRegistry);
		}

		@Bean
		@ConditionalOnMissingBean
		RedisConnectionProbe scalabilityRedisConnectionProbe(RedisConnector connector) {
			return new RedisConnectionProbe(connector, REDIS_PROBE_TIMEOUT, REDIS_PROBE_MAX_WAIT);
		}

		@Bean
		@ConditionalOnMissingBean
		InstanceRegistry scalabilityInstanceRegistry(RedisGuards guards, RedisKeys keys,
				ScalabilityProperties properties) {
			GuardedRedis unguarded = new GuardedRedis(guards.connector(),
					guards.timeout("instances", new FeatureRedisProperties()), null);
			return new InstanceRegistry(unguarded, keys, HEARTBEAT_INTERVAL);
		}

		@Bean
		@ConditionalOnMissingBean
		RedisWarmUpLifecycle scalabilityRedisWarmUpLifecycle(ObjectProvider<RedisWarmUp> warmUps,
				InstanceRegistry instances, ScalabilityProperties properties) {
			return new RedisWarmUpLifecycle(warmUps, instances, properties.getRedis().getWarmUpTimeout());
		}

	}

	/**
	 * The registry of the features' breakers, when the application has none (Resilience4j's
	 * Spring Boot module defines one, and ours backs off so that its endpoints show them).
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(CircuitBreaker.class)
	@ConditionalOnMissingBean(CircuitBreakerRegistry.class)
	static class CircuitBreakerRegistryConfiguration {

		@Bean
		@ConditionalOnMissingBean
		CircuitBreakerRegistry circuitBreakerRegistry() {
			return CircuitBreakerRegistry.ofDefaults();
		}

		@Configuration(proxyBeanMethods = false)
		@ConditionalOnClass({ TaggedCircuitBreakerMetrics.class, MeterRegistry.class })
		static class CircuitBreakerMetricsConfiguration {

			@Bean
			@ConditionalOnMissingBean(name = "scalabilityCircuitBreakerMetrics")
			MeterBinder scalabilityCircuitBreakerMetrics(CircuitBreakerRegistry circuitBreakerRegistry) {
				return TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(circuitBreakerRegistry);
			}

		}

	}

}
