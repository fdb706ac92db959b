package dev.scalability.cache;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.cache.Cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The memory level alone, as the memory backend has it: lifetimes and sizes per cache,
 * cached nulls, and one load per key however many callers miss it at once.
 */
class TwoLevelCacheInMemoryTests {

	private final AtomicLong nanos = new AtomicLong();

	private final TwoLevelCacheManager manager = new TwoLevelCacheManager(
			List.of(new CacheSpec("products", Duration.ofMinutes(10), 2, Duration.ofMinutes(1))),
			(name) -> new CacheSpec(name, Duration.ofHours(1), 100, Duration.ofMinutes(5)), null,
			new CacheValueCodec(JsonMapper.builder().build(), List.of()), CacheObserver.NONE, this.nanos::get);

	@Test
	void aConfiguredCacheKeepsItsEntriesForItsLocalTtlAndAtMostItsSize() {
		this.manager.afterPropertiesSet();
		Cache products = this.manager.getCache("products");
		products.put("1", "lamp");
		assertThat(products.get("1", String.class)).isEqualTo("lamp");
		this.nanos.addAndGet(Duration.ofSeconds(59).toNanos());
		assertThat(products.get("1", String.class)).isEqualTo("lamp");
		this.nanos.addAndGet(Duration.ofSeconds(2).toNanos());
		assertThat(products.get("1")).as("after its local ttl").isNull();
		for (int i = 0; i < 50; i++) {
			products.put("k" + i, i);
		}
		((com.github.benmanes.caffeine.cache.Cache<?, ?>) products.getNativeCache()).cleanUp();
		assertThat(((TwoLevelCache) products).localSize()).isLessThanOrEqualTo(2);
	}

	@Test
	void aCacheNoPropertyNamesGetsTheDefaults() {
		this.manager.afterPropertiesSet();
		TwoLevelCache other = (TwoLevelCache) this.manager.getCache("other");
		assertThat(other.spec()).isEqualTo(new CacheSpec("other", Duration.ofHours(1), 100, Duration.ofMinutes(5)));
		assertThat(this.manager.getCacheNames()).contains("products", "other");
	}

	@Test
	void aCacheOfLocalSizeZeroKeepsNothingInMemory() {
		TwoLevelCache none = new TwoLevelCache(new CacheSpec("none", Duration.ofMinutes(10), 0, Duration.ofMinutes(1)),
				null, new CacheValueCodec(JsonMapper.builder().build(), List.of()), CacheObserver.NONE, this.nanos::get);
		none.put("1", "lamp");
		assertThat(none.get("1")).isNull();
		assertThat(none.localSize()).isZero();
	}

	@Test
	void theLocalTtlNeverOutlivesTheSharedOne() {
		assertThat(new CacheSpec("short", Duration.ofSeconds(10), 10, Duration.ofMinutes(1)).localTtl())
			.isEqualTo(Duration.ofSeconds(10));
	}

	@Test
	void fiftyConcurrentMissesOfOneKeyRunItsLoaderOnce() throws Exception {
		this.manager.afterPropertiesSet();
		Cache products = this.manager.getCache("products");
		AtomicInteger loads = new AtomicInteger();
		CountDownLatch loading = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		ExecutorService callers = Executors.newFixedThreadPool(50);
		try {
			List<Future<String>> answers = new ArrayList<>();
			for (int i = 0; i < 50; i++) {
				answers.add(callers.submit(() -> products.get("42", () -> {
					loads.incrementAndGet();
					loading.countDown();
					release.await();
					return "lamp";
				})));
			}
			assertThat(loading.await(10, TimeUnit.SECONDS)).isTrue();
			release.countDown();
			for (Future<String> answer : answers) {
				assertThat(answer.get(10, TimeUnit.SECONDS)).isEqualTo("lamp");
			}
			assertThat(loads).hasValue(1);
		}
		finally {
			callers.shutdownNow();
		}
	}

	@Test
	void aLoaderThatAsksForItsOwnKeyFailsRatherThanWaitForeverForItself() {
		this.manager.afterPropertiesSet();
		Cache products = this.manager.getCache("products");
		assertThatExceptionOfType(Cache.ValueRetrievalException.class)
			.isThrownBy(() -> products.get("1", () -> products.get("1", () -> "inner")))
			.withRootCauseInstanceOf(IllegalStateException.class);
		assertThat(products.get("1", () -> "lamp")).isEqualTo("lamp");
	}

	@Test
	void aKeyWithoutATextOfItsOwnIsRefusedSinceNoInstanceCouldFindItAgain() {
		this.manager.afterPropertiesSet();
		Cache products = this.manager.getCache("products");
		assertThatExceptionOfType(IllegalArgumentException.class).isThrownBy(() -> products.put(new Object(), "x"))
			.withMessageContaining("no toString of its own");
		products.put(java.util.List.of(1, 2), "pair");
		assertThat(products.get(java.util.List.of(1, 2), String.class)).isEqualTo("pair");
	}

	@Test
	void aLoaderThatFailsCachesNothingAndTheNextCallLoadsAgain() {
		this.manager.afterPropertiesSet();
		Cache products = this.manager.getCache("products");
		assertThatExceptionOfType(Cache.ValueRetrievalException.class).isThrownBy(() -> products.get("7", () -> {
			throw new IllegalStateException("database down");
		})).withRootCauseInstanceOf(IllegalStateException.class);
		assertThat(products.get("7", () -> "chair")).isEqualTo("chair");
		assertThat(products.get("7", String.class)).isEqualTo("chair");
	}

	@Test
	void aNullIsCachedAsAnAnswerAndEvictAndClearForgetEntries() {
		this.manager.afterPropertiesSet();
		Cache products = this.manager.getCache("products");
		AtomicInteger loads = new AtomicInteger();
		Object loaded = products.get("none", () -> {
			loads.incrementAndGet();
			return null;
		});
		assertThat(loaded).isNull();
		assertThat(products.get("none")).isNotNull().extracting(Cache.ValueWrapper::get).isNull();
		products.get("none", () -> {
			loads.incrementAndGet();
			return null;
		});
		assertThat(loads).hasValue(1);
		products.evict("none");
		assertThat(products.get("none")).isNull();
		products.put("a", 1);
		products.clear();
		assertThat(products.get("a")).isNull();
	}

}
