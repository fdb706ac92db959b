package dev.scalability.events.autoconfigure;

import java.time.Duration;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import dev.scalability.autoconfigure.InvalidPropertyException;
import dev.scalability.autoconfigure.ScalabilityAutoConfiguration;
import dev.scalability.events.EventBus;
import dev.scalability.events.actuate.EventsEndpoint;
import dev.scalability.events.annotation.EventBusListener;
import dev.scalability.events.health.EventBusHealthIndicator;
import dev.scalability.events.memory.MemoryEventBus;
import dev.scalability.events.redis.RedisEventBus;
import dev.scalability.redis.InstanceRegistry;
import dev.scalability.test.redis.RedisEndpoint;
import dev.scalability.test.redis.RedisTest;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The event bus's auto-configuration with {@code backend: redis}: the Redis Streams bus,
 * named by the instance id, its breaker in the application's registry, listeners and
 * health on it; two applications share a group.
 */
@RedisTest
class EventsOnRedisAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ScalabilityAutoConfiguration.class, EventsAutoConfiguration.class,
				DataRedisAutoConfiguration.class, JacksonAutoConfiguration.class))
		.withPropertyValues("scalability.events.backend=redis", "management.endpoints.web.exposure.include=events",
				"scalability.redis.key-prefix=events-autoconfig-" + System.nanoTime() + ":");

	@Test
	void theRedisBackendSharesAGroupBetweenApplications(RedisEndpoint redis) {
		ApplicationContextRunner runner = this.contextRunner.withPropertyValues(redis.springProperties())
			.withBean(Billing.class);
		runner.run((first) -> runner.run((second) -> {
			assertThat(first).hasSingleBean(RedisEventBus.class).doesNotHaveBean(MemoryEventBus.class);
			RedisEventBus bus = first.getBean(RedisEventBus.class);
			assertThat(bus.details()).containsEntry("consumer", first.getBean(InstanceRegistry.class).id())
				.containsEntry("maxLength", 1_000_000L);
			assertThat(first.getBean(CircuitBreakerRegistry.class).find("scalability-events")).isPresent();
			for (int i = 0; i < 20; i++) {
				first.getBean(EventBus.class).publish("orders.created", Map.of("order", i));
			}
			Queue<String> one = first.getBean(Billing.class).handled;
			Queue<String> two = second.getBean(Billing.class).handled;
			await().atMost(Duration.ofSeconds(10)).until(() -> one.size() + two.size() >= 20);
			assertThat(one.size() + two.size()).isEqualTo(20);
			Health health = first.getBean(EventBusHealthIndicator.class).health(true);
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsEntry("backend", "redis");
			Map<String, Object> events = second.getBean(EventsEndpoint.class).events();
			assertThat(events).containsEntry("backend", "redis");
			await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(second.getBean(EventsEndpoint.class)
				.events()).extractingByKey("topics")
				.asInstanceOf(InstanceOfAssertFactories.MAP)
				.extractingByKey("orders.created")
				.asInstanceOf(InstanceOfAssertFactories.MAP)
				.containsEntry("events", 20L)
				.containsEntry("groups", Map.of("billing", Map.of("lag", 0L, "pending", 0L))));
		}));
	}

	@Test
	void aClaimBoundTooShortStopsTheStartUpNamingTheProperty(RedisEndpoint redis) {
		this.contextRunner.withPropertyValues(redis.springProperties())
			.withPropertyValues("scalability.events.claim-idle=10ms")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidPropertyException.class)
				.hasMessageContaining("scalability.events.claim-idle"));
	}

	@Test
	void aHardCapBelowTheRetentionStopsTheStartUpNamingTheProperty(RedisEndpoint redis) {
		this.contextRunner.withPropertyValues(redis.springProperties())
			.withPropertyValues("scalability.events.retention=1000", "scalability.events.redis.max-length=10")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidPropertyException.class)
				.hasMessageContaining("scalability.events.redis.max-length"));
	}

	static class Billing {

		final Queue<String> handled = new ConcurrentLinkedQueue<>();

		@EventBusListener(topic = "orders.created", group = "billing")
		void on(Map<String, Object> order) {
			this.handled.add(String.valueOf(order.get("order")));
		}

	}

}
