package dev.scalability.cache;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import com.github.benmanes.caffeine.cache.Ticker;
import org.junit.jupiter.api.Test;

import org.springframework.cache.Cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * What a two-level cache does on every backend: one load per key at a time, cached nulls,
 * loads that a change overtook keep nothing, and hot entries reloaded a little before they
 * expire. Run on memory and on Redis.
 */
public abstract class TwoLevelCacheBehaviourTests {

	/**
	 * The time of loads and of the memory's expiry, moved by the tests.
	 */
	protected final AtomicLong nanos = new AtomicLong();

	/**
	 * The time entries expire by, moved by the tests.
	 */
	protected final MovableClock clock = new MovableClock(Instant.parse("2026-01-01T00:00:00Z"));

	/**
	 * An instance's cache manager, every cache of which has the spec the function gives.
	 * @param name the instance's name
	 * @param spec the spec of each cache, by its name
	 * @param ticker the time of loads and of the memory's expiry
	 * @param clock the time entries expire by
	 * @return the manager, ready
	 */
	protected abstract TwoLevelCacheManager instance(String name, java.util.function.Function<String, CacheSpec> spec,
			Ticker ticker, Clock clock);

	private Cache cache(CacheSpec spec) {
		return instance("a", (name) -> spec, this.nanos::get, this.clock).getCache(spec.name());
	}

	private Cache products() {
		return cache(new CacheSpec("products", Duration.ofMinutes(10), 1_000, Duration.ofMinutes(1)));
	}

	@Test
	void fiftyConcurrentMissesOfOneKeyRunItsLoaderOnce() throws Exception {
		Cache products = products();
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
		Cache products = products();
		assertThatExceptionOfType(Cache.ValueRetrievalException.class)
			.isThrownBy(() -> products.get("1", () -> products.get("1", () -> "inner")))
			.withRootCauseInstanceOf(IllegalStateException.class);
		assertThat(products.get("1", () -> "lamp")).isEqualTo("lamp");
	}

	@Test
	void aKeyWithoutATextOfItsOwnIsRefusedSinceNoInstanceCouldFindItAgain() {
		Cache products = products();
		assertThatExceptionOfType(IllegalArgumentException.class).isThrownBy(() -> products.put(new Object(), "x"))
			.withMessageContaining("no toString of its own");
		products.put(List.of(1, 2), "pair");
		assertThat(products.get(List.of(1, 2), String.class)).isEqualTo("pair");
	}

	@Test
	void aLoaderThatFailsCachesNothingAndTheNextCallLoadsAgain() {
		Cache products = products();
		assertThatExceptionOfType(Cache.ValueRetrievalException.class).isThrownBy(() -> products.get("7", () -> {
			throw new IllegalStateException("database down");
		})).withRootCauseInstanceOf(IllegalStateException.class);
		assertThat(products.get("7", () -> "chair")).isEqualTo("chair");
		assertThat(products.get("7", String.class)).isEqualTo("chair");
	}

	@Test
	void aNullIsCachedAsAnAnswerAndEvictAndClearForgetEntries() throws Exception {
		Cache products = products();
		AtomicInteger loads = new AtomicInteger();
		Object loaded = products.get("none", () -> {
			loads.incrementAndGet();
			return null;
		});
		assertThat(loaded).isNull();
		assertThat(products.get("none")).isNotNull().extracting(Cache.ValueWrapper::get).isNull();
		assertThat(products.retrieve("none")).as("a cached null, wrapped").isNotNull();
		assertThat(products.retrieve("none").get(10, TimeUnit.SECONDS)).isInstanceOf(Cache.ValueWrapper.class);
		products.get("none", () -> {
			loads.incrementAndGet();
			return null;
		});
		assertThat(loads).hasValue(1);
		products.evict("none");
		assertThat(products.get("none")).isNull();
		assertThat(products.retrieve("none")).isNull();
		products.put("a", 1);
		products.clear();
		assertThat(products.get("a")).isNull();
	}

	@Test
	void aLoadThatAnEvictionOvertookKeepsNothingSoTheNextReadLoadsAgain() throws Exception {
		Cache products = products();
		CountDownLatch loading = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		CompletableFuture<String> stale = CompletableFuture.supplyAsync(() -> products.get("42", () -> {
			loading.countDown();
			release.await();
			return "old price";
		}));
		assertThat(loading.await(10, TimeUnit.SECONDS)).isTrue();
		products.evict("42");
		release.countDown();
		assertThat(stale.get(10, TimeUnit.SECONDS)).as("its caller still gets it").isEqualTo("old price");
		assertThat(products.get("42")).as("but it is not kept").isNull();
		assertThat(products.get("42", () -> "new price")).isEqualTo("new price");
	}

	@Test
	void aLoadThatAPutOvertookLeavesThePutValue() throws Exception {
		Cache products = products();
		CountDownLatch loading = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		CompletableFuture<String> stale = CompletableFuture.supplyAsync(() -> products.get("42", () -> {
			loading.countDown();
			release.await();
			return "old price";
		}));
		assertThat(loading.await(10, TimeUnit.SECONDS)).isTrue();
		products.put("42", "new price");
		release.countDown();
		assertThat(stale.get(10, TimeUnit.SECONDS)).isEqualTo("old price");
		assertThat(products.get("42", String.class)).isEqualTo("new price");
	}

	@Test
	void anAsynchronousLoadRunsOncePerKeyAndKeepsNothingWhenAnEvictionOvertookIt() throws Exception {
		Cache products = products();
		CompletableFuture<String> database = new CompletableFuture<>();
		AtomicInteger loads = new AtomicInteger();
		java.util.function.Supplier<CompletableFuture<String>> loader = () -> {
			loads.incrementAndGet();
			return database;
		};
		CompletableFuture<String> first = products.retrieve("42", loader);
		CompletableFuture<String> second = products.retrieve("42", loader);
		products.evict("42");
		database.complete("old price");
		assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("old price");
		assertThat(second.get(10, TimeUnit.SECONDS)).isEqualTo("old price");
		assertThat(loads).hasValue(1);
		assertThat(products.get("42")).as("not kept").isNull();
		assertThat(products.retrieve("42", () -> CompletableFuture.completedFuture("new price")).get(10,
				TimeUnit.SECONDS))
			.isEqualTo("new price");
		assertThat(products.get("42", String.class)).isEqualTo("new price");
	}

	@Test
	void aHotEntryIsReloadedByOneReaderShortlyBeforeItExpiresAndNeverLongBefore() {
		Duration ttl = Duration.ofMinutes(1);
		Cache prices = cache(new CacheSpec("prices", ttl, 1_000, ttl));
		AtomicInteger loads = new AtomicInteger();
		java.util.concurrent.Callable<String> slowLoad = () -> {
			this.nanos.addAndGet(Duration.ofSeconds(1).toNanos());
			return "price-" + loads.incrementAndGet();
		};
		assertThat(prices.get("42", slowLoad)).isEqualTo("price-1");
		this.clock.move(Duration.ofSeconds(30));
		for (int i = 0; i < 1_000; i++) {
			assertThat(prices.get("42", slowLoad)).as("30 s before expiry, 30 loads away").isEqualTo("price-1");
		}
		// 100 ms before its expiry, each read reloads it with a chance of 1 - e^-0.1: it is
		// reloaded once, and then lives a full ttl again.
		this.clock.move(Duration.ofSeconds(30).minusMillis(100));
		List<String> read = new ArrayList<>();
		for (int i = 0; i < 300; i++) {
			read.add(prices.get("42", slowLoad));
		}
		assertThat(loads).hasValue(2);
		assertThat(read).endsWith("price-2");
		assertThat(prices.get("42", String.class)).isEqualTo("price-2");
	}

	@Test
	void aCacheWithoutEarlyRefreshLoadsOnlyOnceItsEntryIsGone() {
		Duration ttl = Duration.ofMinutes(1);
		Cache prices = cache(new CacheSpec("prices", ttl, 1_000, ttl, false));
		AtomicInteger loads = new AtomicInteger();
		java.util.concurrent.Callable<String> slowLoad = () -> {
			this.nanos.addAndGet(Duration.ofSeconds(1).toNanos());
			return "price-" + loads.incrementAndGet();
		};
		prices.get("42", slowLoad);
		this.clock.move(ttl.minusMillis(1));
		for (int i = 0; i < 300; i++) {
			assertThat(prices.get("42", slowLoad)).isEqualTo("price-1");
		}
		assertThat(loads).hasValue(1);
	}

	@Test
	void anEarlyReloadThatFailsLeavesTheEntryToItsReaders() {
		Duration ttl = Duration.ofMinutes(1);
		Cache prices = cache(new CacheSpec("prices", ttl, 1_000, ttl));
		prices.get("42", () -> {
			this.nanos.addAndGet(Duration.ofSeconds(1).toNanos());
			return "price-1";
		});
		this.clock.move(ttl.minusMillis(1));
		AtomicInteger attempts = new AtomicInteger();
		for (int i = 0; i < 50; i++) {
			java.util.concurrent.Callable<String> failing = () -> {
				attempts.incrementAndGet();
				throw new IllegalStateException("database down");
			};
			assertThat(prices.get("42", failing)).isEqualTo("price-1");
		}
		assertThat(attempts).hasPositiveValue();
	}

	/**
	 * A clock the tests move.
	 */
	protected static final class MovableClock extends Clock {

		private final AtomicLong millis;

		MovableClock(Instant start) {
			this.millis = new AtomicLong(start.toEpochMilli());
		}

		public void move(Duration by) {
			this.millis.addAndGet(by.toMillis());
		}

		@Override
		public ZoneId getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(ZoneId zone) {
			return this;
		}

		@Override
		public Instant instant() {
			return Instant.ofEpochMilli(this.millis.get());
		}

		@Override
		public long millis() {
			return this.millis.get();
		}

	}

}
