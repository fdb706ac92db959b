package dev.scalability.cache.autoconfigure;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import dev.scalability.autoconfigure.ScalabilityAutoConfiguration;
import dev.scalability.cache.TwoLevelCacheManager;
import dev.scalability.cache.actuate.CacheSnapshotContributor;
import dev.scalability.cache.health.CacheHealthIndicator;
import dev.scalability.cache.redis.RedisCacheStore;
import dev.scalability.test.redis.RedisEndpoint;
import dev.scalability.test.redis.RedisTest;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.annotation.CachePut;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The cache's auto-configuration with {@code backend: redis}: two applications on one
 * Redis share entries, an update on one reaches the other's memory, and health, the
 * snapshot and the meters say what happens.
 */
@RedisTest
class CacheOnRedisAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ScalabilityAutoConfiguration.class,
				ScalabilityCacheAutoConfiguration.class, CacheObservabilityAutoConfiguration.class,
				DataRedisAutoConfiguration.class,
				JacksonAutoConfiguration.class))
		.withUserConfiguration(CatalogConfiguration.class)
		.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
		.withPropertyValues("scalability.cache.backend=redis",
				"scalability.redis.key-prefix=cache-autoconfig-" + System.nanoTime() + ":");

	@Test
	void twoApplicationsShareEntriesAndAnUpdateOnOneReachesTheOthersMemory(RedisEndpoint redis) {
		ApplicationContextRunner runner = this.contextRunner.withPropertyValues(redis.springProperties());
		runner.run((first) -> runner.run((second) -> {
			assertThat(first).hasSingleBean(TwoLevelCacheManager.class).hasSingleBean(RedisCacheStore.class);
			assertThat(first.getBean(CircuitBreakerRegistry.class).find("scalability-cache")).isPresent();
			Catalog one = first.getBean(Catalog.class);
			Catalog two = second.getBean(Catalog.class);
			assertThat(one.product(1)).isEqualTo("product-1");
			assertThat(two.product(1)).as("from Redis").isEqualTo("product-1");
			assertThat(two.loads()).isZero();
			one.update(1, "lamp");
			await().atMost(Duration.ofSeconds(10)).until(() -> "lamp".equals(two.product(1)));
			assertThat(two.loads()).isZero();

			MeterRegistry meters = second.getBean(MeterRegistry.class);
			assertThat(first.getBean(MeterRegistry.class)
				.get("scalability.cache.invalidations")
				.tags("cache", "products", "direction", "sent")
				.counter()
				.count()).isPositive();
			await().atMost(Duration.ofSeconds(10))
				.until(() -> meters.find("scalability.cache.invalidations")
					.tags("cache", "products", "direction", "received")
					.counter() != null);
			assertThat(meters.get("cache.gets").tags("cache", "products", "level", "remote", "result", "hit")
				.counter()
				.count()).isPositive();
			Health health = second.getBean(CacheHealthIndicator.class).health(true);
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsEntry("backend", "redis")
				.containsEntry("invalidations", "listening");
			@SuppressWarnings("unchecked")
			Map<String, Object> snapshot = (Map<String, Object>) second.getBean(CacheSnapshotContributor.class)
				.snapshot();
			assertThat(snapshot).containsEntry("backend", "redis").containsKey("caches");
		}));
	}

	@Configuration(proxyBeanMethods = false)
	@EnableCaching
	static class CatalogConfiguration {

		@Bean
		Catalog catalog() {
			return new Catalog();
		}

	}

	static class Catalog {

		private final AtomicInteger loads = new AtomicInteger();

		@Cacheable("products")
		public String product(int id) {
			this.loads.incrementAndGet();
			return "product-" + id;
		}

		@CachePut(cacheNames = "products", key = "#id")
		public String update(int id, String name) {
			return name;
		}

		public int loads() {
			return this.loads.get();
		}

	}

}
