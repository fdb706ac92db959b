package dev.scalability.tasks.autoconfigure;

import java.time.Clock;
import java.time.Duration;

import dev.scalability.autoconfigure.Backend;
import dev.scalability.autoconfigure.ConditionalOnScalabilityFeature;
import dev.scalability.autoconfigure.PayloadCodecConfiguration;
import dev.scalability.autoconfigure.RedisGuards;
import dev.scalability.autoconfigure.ScalabilityAutoConfiguration;
import dev.scalability.delivery.PayloadCodec;
import dev.scalability.permits.RatePermits;
import dev.scalability.redis.DedicatedConnections;
import dev.scalability.redis.InstanceRegistry;
import dev.scalability.redis.RedisConnectionProbe;
import dev.scalability.redis.RedisKeys;
import dev.scalability.tasks.TaskQueue;
import dev.scalability.tasks.TaskQueueBackend;
import dev.scalability.tasks.TaskQueueObserver;
import dev.scalability.tasks.actuate.TasksEndpoint;
import dev.scalability.tasks.actuate.TasksSnapshotContributor;
import dev.scalability.tasks.annotation.TaskHandlerRegistrar;
import dev.scalability.tasks.health.TaskQueueHealthIndicator;
import dev.scalability.tasks.memory.MemoryTaskQueue;
import dev.scalability.tasks.metrics.MicrometerTaskQueueObserver;
import dev.scalability.tasks.redis.RedisTaskQueue;
import dev.scalability.time.MonotonicClock;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.MeterRegistry;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * The task queue: a {@link TaskQueue} bean in memory or on Redis, its
 * {@code @TaskHandler} methods, and its lifecycle.
 */
@AutoConfiguration(after = ScalabilityAutoConfiguration.class,
		afterName = { "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration",
				"org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration" })
@ConditionalOnScalabilityFeature(TasksAutoConfiguration.FEATURE)
@ConditionalOnClass(JsonMapper.class)
@EnableConfigurationProperties(TasksProperties.class)
@Import(PayloadCodecConfiguration.class)
public final class TasksAutoConfiguration {

	static final String FEATURE = "tasks";

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnScalabilityFeature(value = FEATURE, backend = Backend.MEMORY)
	static class MemoryBackendConfiguration {

		/**
		 * The queue. Its threads stop through {@link TaskQueueLifecycle}, not a destroy
		 * method.
		 */
		@Bean(destroyMethod = "")
		@ConditionalOnMissingBean(TaskQueue.class)
		MemoryTaskQueue taskQueue(TasksProperties properties, PayloadCodec codec,
				ObjectProvider<TaskQueueObserver> observer, MonotonicClock clock,
				ObjectProvider<RatePermits> rateLimiter) {
			return new MemoryTaskQueue(new TasksSettingsBuilder(properties).settings(rateLimiter.getIfAvailable(), false),
					codec,
					observer.getIfAvailable(() -> TaskQueueObserver.NONE), clock, Clock.systemUTC());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnScalabilityFeature(value = FEATURE, backend = Backend.REDIS)
	@ConditionalOnClass({ RedisConnectionFactory.class, CircuitBreaker.class })
	static class RedisBackendConfiguration {

		/**
		 * The queue on Redis. Its threads stop through {@link TaskQueueLifecycle}, not a
		 * destroy method.
		 */
		@Bean(destroyMethod = "")
		@ConditionalOnMissingBean(TaskQueue.class)
		RedisTaskQueue taskQueue(TasksProperties properties, PayloadCodec codec,
				ObjectProvider<TaskQueueObserver> observer, RedisGuards guards, RedisKeys keys,
				InstanceRegistry instances, RedisConnectionFactory connectionFactory,
				ObjectProvider<RatePermits> rateLimiter) {
			TasksSettingsBuilder builder = new TasksSettingsBuilder(properties);
			return new RedisTaskQueue(builder.settings(rateLimiter.getIfAvailable(), true),
					builder.redisSettings(instances.id(), guards.timeout(FEATURE, properties.getRedis())),
					guards.forFeature(FEATURE, properties.getRedis()),
					new DedicatedConnections((LettuceConnectionFactory) connectionFactory), keys, codec,
					observer.getIfAvailable(() -> TaskQueueObserver.NONE));
		}

	}

	@Bean
	@ConditionalOnMissingBean
	static TaskHandlerRegistrar taskHandlerRegistrar(ObjectProvider<TaskQueueBackend> queue,
			ObjectProvider<PayloadCodec> codec) {
		return new TaskHandlerRegistrar(queue::getObject, codec::getObject);
	}

	@Bean
	@ConditionalOnMissingBean
	TaskQueueLifecycle taskQueueLifecycle(TaskQueueBackend queue, Environment environment) {
		String timeout = environment.getProperty("spring.lifecycle.timeout-per-shutdown-phase");
		return new TaskQueueLifecycle(queue,
				(timeout != null) ? DurationStyle.detectAndParse(timeout) : Duration.ofSeconds(30));
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterRegistry.class)
	@ConditionalOnBean(MeterRegistry.class)
	static class MetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean(TaskQueueObserver.class)
		MicrometerTaskQueueObserver taskQueueObserver(MeterRegistry registry) {
			return new MicrometerTaskQueueObserver(registry);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(HealthIndicator.class)
	@ConditionalOnEnabledHealthIndicator("taskqueue")
	static class HealthConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "taskQueueHealthIndicator")
		TaskQueueHealthIndicator taskQueueHealthIndicator(TaskQueueBackend queue,
				ObjectProvider<RedisConnectionProbe> probe) {
			return new TaskQueueHealthIndicator(queue, probe.getIfAvailable());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(Endpoint.class)
	static class EndpointConfiguration {

		@Bean
		@ConditionalOnMissingBean
		@ConditionalOnAvailableEndpoint
		TasksEndpoint tasksEndpoint(TaskQueueBackend queue) {
			return new TasksEndpoint(queue);
		}

		@Bean
		@ConditionalOnMissingBean
		TasksSnapshotContributor tasksSnapshotContributor(TaskQueueBackend queue) {
			return new TasksSnapshotContributor(queue);
		}

	}

}
