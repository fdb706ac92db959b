package dev.scalability.autoconfigure;

import java.time.Duration;

import dev.scalability.redis.RedisConnectionProbe;

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

/**
 * Root auto-configuration of the starter: its properties, the check that a Redis backend
 * can be used, and the Redis connection probe the features and endpoints share.
 */
@AutoConfiguration(afterName = "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration")
@ConditionalOnBooleanProperty(name = "scalability.enabled", matchIfMissing = true)
@EnableConfigurationProperties(ScalabilityProperties.class)
public final class ScalabilityAutoConfiguration {

	static final Duration REDIS_PROBE_TIMEOUT = Duration.ofSeconds(2);

	@Bean
	static BeanFactoryPostProcessor scalabilityRedisBackendVerifier(Environment environment) {
		return new RedisBackendVerifier(environment);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(RedisConnectionFactory.class)
	@ConditionalOnBean(RedisConnectionFactory.class)
	static class RedisProbeConfiguration {

		@Bean
		@ConditionalOnMissingBean
		RedisConnectionProbe scalabilityRedisConnectionProbe(RedisConnectionFactory connectionFactory) {
			SimpleAsyncTaskExecutor executor = new SimpleAsyncTaskExecutor("scalability-redis-probe-");
			executor.setDaemon(true);
			return new RedisConnectionProbe(connectionFactory, REDIS_PROBE_TIMEOUT, executor);
		}

	}

}
