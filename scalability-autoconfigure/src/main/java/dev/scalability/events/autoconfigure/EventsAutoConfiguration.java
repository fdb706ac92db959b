package dev.scalability.events.autoconfigure;

import java.time.Duration;

import dev.scalability.autoconfigure.Backend;
import dev.scalability.autoconfigure.ConditionalOnScalabilityFeature;
import dev.scalability.autoconfigure.PayloadCodecConfiguration;
import dev.scalability.autoconfigure.RedisGuards;
import dev.scalability.autoconfigure.ScalabilityAutoConfiguration;
import dev.scalability.delivery.PayloadCodec;
import dev.scalability.events.EventBus;
import dev.scalability.events.EventBusBackend;
import dev.scalability.events.EventBusObserver;
import dev.scalability.events.EventTracing;
import dev.scalability.events.actuate.EventsEndpoint;
import dev.scalability.events.actuate.EventsSnapshotContributor;
import dev.scalability.events.annotation.EventBusListenerRegistrar;
import dev.scalability.events.health.EventBusHealthIndicator;
import dev.scalability.events.memory.MemoryEventBus;
import dev.scalability.events.metrics.MicrometerEventBusObserver;
import dev.scalability.events.observation.ObservationEventTracing;
import dev.scalability.events.redis.RedisEventBus;
import dev.scalability.redis.DedicatedConnections;
import dev.scalability.redis.InstanceRegistry;
import dev.scalability.redis.RedisConnectionProbe;
import dev.scalability.redis.RedisKeys;
import dev.scalability.time.MonotonicClock;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
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
 * The event bus from {@code scalability.events.*}: the bus, its {@code @EventBusListener}
 * methods, its start and graceful stop, metrics, the {@code eventBus} health indicator,
 * {@code /actuator/events} and the {@code events} section of {@code /actuator/scalability}.
 * An application that replaces the bus defines an {@link EventBusBackend}, which the rest
 * uses.
 */
@AutoConfiguration(after = ScalabilityAutoConfiguration.class,
		afterName = { "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration",
				"org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
				"org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration" })
@ConditionalOnScalabilityFeature(EventsAutoConfiguration.FEATURE)
@ConditionalOnClass(JsonMapper.class)
@EnableConfigurationProperties(EventsProperties.class)
@Import(PayloadCodecConfiguration.class)
public final class EventsAutoConfiguration {

	static final String FEATURE = "events";

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnScalabilityFeature(value = FEATURE, backend = Backend.MEMORY)
	static class MemoryBackendConfiguration {

		/**
		 * The bus. Its threads stop through {@link EventBusLifecycle}, not a destroy method.
		 */
		@Bean(destroyMethod = "")
		@ConditionalOnMissingBean(EventBus.class)
		MemoryEventBus eventBus(EventsProperties properties, PayloadCodec codec,
				ObjectProvider<EventBusObserver> observer, ObjectProvider<EventTracing> tracing, MonotonicClock clock) {
			return new MemoryEventBus(new EventsSettingsBuilder(properties).settings(), codec,
					observer.getIfAvailable(() -> EventBusObserver.NONE),
					tracing.getIfAvailable(() -> EventTracing.NONE), clock);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnScalabilityFeature(value = FEATURE, backend = Backend.REDIS)
	@ConditionalOnClass({ RedisConnectionFactory.class, CircuitBreaker.class })
	static class RedisBackendConfiguration {

		/**
		 * The bus on Redis Streams. Its threads stop through {@link EventBusLifecycle}, not a
		 * destroy method.
		 */
		@Bean(destroyMethod = "")
		@ConditionalOnMissingBean(EventBus.class)
		RedisEventBus eventBus(EventsProperties properties, PayloadCodec codec,
				ObjectProvider<EventBusObserver> observer, ObjectProvider<EventTracing> tracing, MonotonicClock clock,
				RedisGuards guards, RedisKeys keys, InstanceRegistry instances, RedisConnectionFactory connectionFactory) {
			EventsSettingsBuilder builder = new EventsSettingsBuilder(properties);
			return new RedisEventBus(builder.settings(), builder.redisSettings(instances.id()),
					guards.forFeature(FEATURE, properties.getRedis()),
					new DedicatedConnections((LettuceConnectionFactory) connectionFactory), keys, codec,
					observer.getIfAvailable(() -> EventBusObserver.NONE),
					tracing.getIfAvailable(() -> EventTracing.NONE), clock);
		}

	}

	@Bean
	@ConditionalOnMissingBean
	static EventBusListenerRegistrar eventBusListenerRegistrar(ObjectProvider<EventBusBackend> bus,
			ObjectProvider<PayloadCodec> codec) {
		return new EventBusListenerRegistrar(bus::getObject, codec::getObject);
	}

	@Bean
	@ConditionalOnMissingBean
	EventBusLifecycle eventBusLifecycle(EventBusBackend bus, Environment environment) {
		String timeout = environment.getProperty("spring.lifecycle.timeout-per-shutdown-phase");
		return new EventBusLifecycle(bus,
				(timeout != null) ? DurationStyle.detectAndParse(timeout) : Duration.ofSeconds(30));
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterRegistry.class)
	@ConditionalOnBean(MeterRegistry.class)
	static class MetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean(EventBusObserver.class)
		MicrometerEventBusObserver eventBusObserver(MeterRegistry registry) {
			return new MicrometerEventBusObserver(registry);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(ObservationRegistry.class)
	@ConditionalOnBean(ObservationRegistry.class)
	static class ObservationConfiguration {

		@Bean
		@ConditionalOnMissingBean(EventTracing.class)
		ObservationEventTracing eventTracing(ObservationRegistry registry) {
			return new ObservationEventTracing(registry);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(HealthIndicator.class)
	@ConditionalOnEnabledHealthIndicator("eventbus")
	static class HealthConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "eventBusHealthIndicator")
		EventBusHealthIndicator eventBusHealthIndicator(EventBusBackend bus, EventsProperties properties,
				ObjectProvider<RedisConnectionProbe> probe) {
			return new EventBusHealthIndicator(bus, probe.getIfAvailable(), properties.getHealth().getLagThreshold(),
					properties.getHealth().getDeadLetterThreshold());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(Endpoint.class)
	static class EndpointConfiguration {

		@Bean
		@ConditionalOnMissingBean
		@ConditionalOnAvailableEndpoint
		EventsEndpoint eventsEndpoint(EventBusBackend bus) {
			return new EventsEndpoint(bus);
		}

		@Bean
		@ConditionalOnMissingBean
		EventsSnapshotContributor eventsSnapshotContributor(EventBusBackend bus) {
			return new EventsSnapshotContributor(bus);
		}

	}

}
