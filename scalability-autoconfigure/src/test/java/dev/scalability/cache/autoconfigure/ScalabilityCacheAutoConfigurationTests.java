package dev.scalability.cache.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.scalability.autoconfigure.FailureAnalyses;
import dev.scalability.autoconfigure.ScalabilityAutoConfiguration;
import dev.scalability.cache.CacheSpec;
import dev.scalability.cache.CacheWarmer;
import dev.scalability.cache.TwoLevelCache;
import dev.scalability.cache.TwoLevelCacheManager;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.CacheManager;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration;
import org.springframework.cache.concurrent.ConcurrentMapCacheManager;
import org.springframework.cache.support.NoOpCacheManager;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

class ScalabilityCacheAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, ScalabilityAutoConfiguration.class,
				ScalabilityCacheAutoConfiguration.class));

	@Test
	void withCachingOnTheTwoLevelCacheManagerServesCacheableMethodsWithTheConfiguredLifetimes() {
		this.contextRunner.withUserConfiguration(CatalogConfiguration.class)
			.withPropertyValues("scalability.cache.caches.products.ttl=10m",
					"scalability.cache.caches.products.local-max-size=1000", "scalability.cache.local.ttl=30s",
					"scalability.cache.early-refresh=false", "scalability.cache.caches.products.early-refresh=true")
			.run((context) -> {
				assertThat(context).hasSingleBean(TwoLevelCacheManager.class);
				Catalog catalog = context.getBean(Catalog.class);
				assertThat(catalog.product(42)).isEqualTo("product-42");
				assertThat(catalog.product(42)).isEqualTo("product-42");
				assertThat(catalog.loads()).isOne();
				TwoLevelCache products = (TwoLevelCache) context.getBean(CacheManager.class).getCache("products");
				assertThat(products.spec())
					.isEqualTo(new CacheSpec("products", Duration.ofMinutes(10), 1000, Duration.ofSeconds(30), true));
				TwoLevelCache other = (TwoLevelCache) context.getBean(CacheManager.class).getCache("other");
				assertThat(other.spec().earlyRefresh()).as("the default, off").isFalse();
			});
	}

	@Test
	void concurrentMissesOfOneKeyRunACacheableMethodOnceWithoutSync() {
		this.contextRunner.withUserConfiguration(CatalogConfiguration.class).run((context) -> {
			Catalog catalog = context.getBean(Catalog.class);
			CountDownLatch slow = new CountDownLatch(1);
			catalog.slowDown(slow);
			ExecutorService callers = Executors.newFixedThreadPool(50);
			try {
				List<Future<String>> answers = new ArrayList<>();
				for (int i = 0; i < 50; i++) {
					answers.add(callers.submit(() -> catalog.product(7)));
				}
				slow.countDown();
				for (Future<String> answer : answers) {
					assertThat(answer.get(10, TimeUnit.SECONDS)).isEqualTo("product-7");
				}
				assertThat(catalog.loads()).isOne();
			}
			finally {
				callers.shutdownNow();
			}
		});
	}

	@Test
	void itBacksOffForACacheManagerOfTheApplicationAndWithoutCaching() {
		this.contextRunner.withUserConfiguration(CatalogConfiguration.class, OwnCacheManagerConfiguration.class)
			.run((context) -> {
				assertThat(context).doesNotHaveBean(TwoLevelCacheManager.class);
				assertThat(context.getBean(CacheManager.class)).isInstanceOf(ConcurrentMapCacheManager.class);
			});
		this.contextRunner.run((context) -> assertThat(context).doesNotHaveBean(CacheManager.class));
		this.contextRunner.withUserConfiguration(CatalogConfiguration.class, OwnCacheManagerConfiguration.class)
			.withPropertyValues("scalability.cache.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(TwoLevelCacheManager.class));
	}

	@Test
	void aCacheTypeChosenInSpringBootsPropertyWinsOverTheTwoLevelCache() {
		this.contextRunner.withUserConfiguration(CatalogConfiguration.class)
			.withConfiguration(AutoConfigurations.of(CacheAutoConfiguration.class))
			.withPropertyValues("spring.cache.type=none")
			.run((context) -> {
				assertThat(context).doesNotHaveBean(TwoLevelCacheManager.class);
				assertThat(context.getBean(CacheManager.class)).isInstanceOf(NoOpCacheManager.class);
				Catalog catalog = context.getBean(Catalog.class);
				catalog.product(3);
				catalog.product(3);
				assertThat(catalog.loads()).as("nothing cached").isEqualTo(2);
			});
	}

	@Test
	void cacheWarmersFillCachesWhileTheApplicationStartsAndOneThatFailsDoesNotStopIt() {
		this.contextRunner.withUserConfiguration(CatalogConfiguration.class)
			.withBean("failing", CacheWarmer.class, () -> (caches) -> {
				throw new IllegalStateException("catalog away");
			})
			.withBean("products", CacheWarmer.class, () -> (caches) -> caches.getCache("products").put(1, "warm"))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				Catalog catalog = context.getBean(Catalog.class);
				assertThat(catalog.product(1)).isEqualTo("warm");
				assertThat(catalog.loads()).isZero();
			});
	}

	@Test
	void aWrongLifetimeStopsTheStartUpNamingTheProperty() {
		this.contextRunner.withUserConfiguration(CatalogConfiguration.class)
			.withPropertyValues("scalability.cache.caches.products.ttl=0s")
			.run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = FailureAnalyses.analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("scalability.cache.caches.products.ttl")
					.contains("must be positive");
			});
		this.contextRunner.withUserConfiguration(CatalogConfiguration.class)
			.withPropertyValues("scalability.cache.compression-threshold=-1B")
			.run((context) -> assertThat(FailureAnalyses.analyze(context.getStartupFailure()).getDescription())
				.contains("scalability.cache.compression-threshold"));
	}

	@Configuration(proxyBeanMethods = false)
	@EnableCaching
	static class CatalogConfiguration {

		@Bean
		Catalog catalog() {
			return new Catalog();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnCacheManagerConfiguration {

		@Bean
		CacheManager cacheManager() {
			return new ConcurrentMapCacheManager();
		}

	}

	static class Catalog {

		private final AtomicInteger loads = new AtomicInteger();

		private volatile CountDownLatch slow = new CountDownLatch(0);

		@Cacheable("products")
		public String product(int id) throws InterruptedException {
			this.loads.incrementAndGet();
			this.slow.await();
			return "product-" + id;
		}

		public int loads() {
			return this.loads.get();
		}

		public void slowDown(CountDownLatch latch) {
			this.slow = latch;
		}

	}

}
