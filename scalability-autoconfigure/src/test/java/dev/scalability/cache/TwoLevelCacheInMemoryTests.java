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
 * The memory level alone, as the memory backend has it: the behaviour every backend has,
 * and lifetimes and sizes per cache.
 */
class TwoLevelCacheInMemoryTests extends TwoLevelCacheBehaviourTests {

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

	@Override
	protected TwoLevelCacheManager instance(String name, java.util.function.Function<String, CacheSpec> spec,
			com.github.benmanes.caffeine.cache.Ticker ticker, java.time.Clock clock) {
		TwoLevelCacheManager manager = new TwoLevelCacheManager(List.of(), spec, null,
				new CacheValueCodec(JsonMapper.builder().build(), List.of()), CacheObserver.NONE, ticker, clock);
		manager.afterPropertiesSet();
		return manager;
	}

}
