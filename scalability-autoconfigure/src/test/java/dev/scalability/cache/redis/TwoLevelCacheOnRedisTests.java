package dev.scalability.cache.redis;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.scalability.cache.CacheLevel;
import dev.scalability.cache.CacheObserver;
import dev.scalability.cache.CacheSpec;
import dev.scalability.cache.CacheValueCodec;
import dev.scalability.cache.RemoteCacheStore;
import dev.scalability.cache.TwoLevelCacheBehaviourTests;
import dev.scalability.cache.TwoLevelCacheManager;
import dev.scalability.cache.health.CacheHealthIndicator;
import dev.scalability.redis.DedicatedConnections;
import dev.scalability.redis.GuardedRedis;
import dev.scalability.redis.RedisKeys;
import dev.scalability.redis.TestGuards;
import dev.scalability.test.redis.PrivateRedis;
import dev.scalability.test.redis.RedisTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.cache.Cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two instances' caches on one Redis: the behaviour every backend has, what one writes the
 * other reads, a change on one drops the other's copy and wins over a load the other began
 * before it, and a Redis that stops costs reads nothing but the shared level.
 */
@RedisTest
class TwoLevelCacheOnRedisTests extends TwoLevelCacheBehaviourTests {

	private static final Duration WAIT = Duration.ofSeconds(15);

	private PrivateRedis redis;

	private final List<CacheInvalidations> invalidations = new ArrayList<>();

	private final List<RedisCacheStore> stores = new ArrayList<>();

	private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

	@BeforeEach
	void startRedis() {
		this.redis = PrivateRedis.start();
	}

	@AfterEach
	void stop() {
		this.invalidations.forEach(CacheInvalidations::close);
		this.stores.forEach(RedisCacheStore::close);
		this.redis.close();
	}

	@Test
	void whatOneInstanceCachesTheOtherReadsFromRedisAndKeepsInMemory() {
		Cache first = instance("a").getCache("products");
		Cache second = instance("b").getCache("products");
		AtomicInteger loads = new AtomicInteger();
		assertThat(first.get("42", () -> "lamp-" + loads.incrementAndGet())).isEqualTo("lamp-1");
		assertThat(second.get("42", () -> "lamp-" + loads.incrementAndGet())).isEqualTo("lamp-1");
		assertThat(loads).hasValue(1);
		assertThat(count("b", CacheLevel.REMOTE, "hit")).isOne();
		// Then from its memory, once no invalidation (such as the one of the first put, which
		// may arrive during that read) overtakes a read from Redis.
		await().atMost(WAIT).until(() -> {
			assertThat(second.get("42", String.class)).isEqualTo("lamp-1");
			return count("b", CacheLevel.LOCAL, "hit") > 0;
		});
		assertThat(loads).hasValue(1);
	}

	@Test
	void aPutOrEvictOnOneInstanceDropsTheCopyInTheOthersMemory() {
		TwoLevelCacheManager firstManager = instance("a");
		TwoLevelCacheManager secondManager = instance("b");
		Cache first = firstManager.getCache("products");
		Cache second = secondManager.getCache("products");
		first.put("42", "lamp");
		assertThat(second.get("42", String.class)).isEqualTo("lamp");
		first.put("42", "desk lamp");
		await().atMost(WAIT).until(() -> "desk lamp".equals(second.get("42", String.class)));
		first.evict("42");
		await().atMost(WAIT).until(() -> second.get("42") == null);
		first.put("7", "chair");
		assertThat(second.get("7", String.class)).isEqualTo("chair");
		first.clear();
		await().atMost(WAIT).until(() -> second.get("7") == null);
	}

	@Test
	void aValueThatCannotBeWrittenForRedisIsStillReturnedAndKeptInMemory() {
		Cache first = instance("a").getCache("products");
		Unwritable value = new Unwritable();
		assertThat(first.get("u", () -> value)).isSameAs(value);
		assertThat(first.get("u", Unwritable.class)).isSameAs(value);
		assertThat(this.counts).containsKey("a:failed:unwritable");
		assertThat(instance("b").getCache("products").get("u")).as("not shared").isNull();
	}

	static class Unwritable {

		public String getName() {
			throw new IllegalStateException("lazy association, no session");
		}

	}

	@Test
	void aReadFromRedisThatAnInvalidationOvertookKeepsNoStaleCopyInMemory() throws Exception {
		GuardedRedis redis = TestGuards.bounded(this.redis.connectionFactory(), Duration.ofSeconds(2));
		RedisCacheStore store = new RedisCacheStore(redis, new RedisKeys("cache-tests:"), "slow", CacheObserver.NONE);
		java.util.concurrent.CountDownLatch read = new java.util.concurrent.CountDownLatch(1);
		java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
		dev.scalability.cache.RemoteCacheStore slowReads = new dev.scalability.cache.RemoteCacheStore() {

			@Override
			public byte[] get(String cache, String key) {
				byte[] value = store.get(cache, key);
				// The old value is read; the invalidation of a change arrives before it is kept.
				read.countDown();
				try {
					release.await();
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				return value;
			}

			@Override
			public boolean put(String cache, String key, byte[] value, Duration ttl) {
				return store.put(cache, key, value, ttl);
			}

			@Override
			public RemoteCacheStore.Outcome putIfUnchanged(String cache, String key, byte[] value, Duration ttl,
					byte[] expectedVersion) {
				return store.putIfUnchanged(cache, key, value, ttl, expectedVersion);
			}

			@Override
			public RemoteCacheStore.Outcome evict(String cache, String key, byte[] tombstone, Duration tombstoneTtl) {
				return store.evict(cache, key, tombstone, tombstoneTtl);
			}

			@Override
			public boolean clear(String cache) {
				return store.clear(cache);
			}

		};
		instance("writer").getCache("products").put("42", "lamp");
		TwoLevelCacheManager reader = new TwoLevelCacheManager(List.of(),
				(cache) -> new CacheSpec(cache, Duration.ofMinutes(10), 1_000, Duration.ofMinutes(1)), slowReads,
				new CacheValueCodec(JsonMapper.builder().build(), List.of()), CacheObserver.NONE, Ticker.systemTicker());
		reader.afterPropertiesSet();
		Cache products = reader.getCache("products");
		java.util.concurrent.CompletableFuture<Object> stale = java.util.concurrent.CompletableFuture
			.supplyAsync(() -> products.get("42", String.class));
		assertThat(read.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
		reader.dropLocal("products", "42");
		release.countDown();
		assertThat(stale.get(10, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("lamp");
		assertThat(((dev.scalability.cache.TwoLevelCache) products).localSize()).as("no copy kept").isZero();
	}

	@Test
	void clearRemovesEveryEntryOfTheCacheAndNoOtherCachesEntries() {
		TwoLevelCacheManager manager = instance("a");
		Cache products = manager.getCache("products");
		Cache prices = manager.getCache("prices");
		for (int i = 0; i < 1_200; i++) {
			products.put("p" + i, i);
		}
		prices.put("p1", 10);
		products.clear();
		Cache fresh = instance("b").getCache("products");
		assertThat(fresh.get("p1")).isNull();
		assertThat(fresh.get("p1199")).isNull();
		assertThat(instance("c").getCache("prices").get("p1", Integer.class)).isEqualTo(10);
	}

	@Test
	void aStoppedRedisCostsReadsOnlyTheSharedLevelHealthSaysSoAndRedisIsUsedAgainOnceBack() {
		TwoLevelCacheManager manager = instance("a");
		CacheHealthIndicator health = new CacheHealthIndicator(manager, null);
		Cache first = manager.getCache("products");
		first.put("42", "lamp");
		assertThat(health.health(true).getDetails()).doesNotContainKey("degraded");
		this.redis.server().stop();
		AtomicInteger loads = new AtomicInteger();
		assertThat(first.get("42", String.class)).as("from memory").isEqualTo("lamp");
		assertThat(first.get("7", () -> "chair-" + loads.incrementAndGet())).isEqualTo("chair-1");
		first.put("8", "table");
		first.evict("42");
		assertThat(this.counts).anySatisfy((name, count) -> assertThat(name).startsWith("a:failed:"));
		Health degraded = health.health(true);
		assertThat(degraded.getStatus()).isEqualTo(Status.UP);
		assertThat(degraded.getDetails()).containsEntry("degraded", true).containsEntry("circuitBreaker", "OPEN");
		this.redis.server().restart();
		await().atMost(WAIT).ignoreExceptions().until(() -> {
			first.put("9", "shelf");
			return instance("b").getCache("products").get("9", String.class) != null;
		});
		await().atMost(WAIT).until(() -> !health.health(true).getDetails().containsKey("degraded"));
	}

	@Test
	void aLoadThatAnotherInstancesEvictionOvertookWritesNothingBackToRedis() throws Exception {
		Cache loader = instance("a").getCache("products");
		Cache other = instance("b").getCache("products");
		other.put("42", "old price");
		loader.evict("42");
		CountDownLatch loading = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		CompletableFuture<String> stale = CompletableFuture.supplyAsync(() -> loader.get("42", () -> {
			loading.countDown();
			release.await();
			return "old price, read before the eviction";
		}));
		assertThat(loading.await(10, TimeUnit.SECONDS)).isTrue();
		other.evict("42");
		release.countDown();
		assertThat(stale.get(10, TimeUnit.SECONDS)).isEqualTo("old price, read before the eviction");
		assertThat(instance("c").getCache("products").get("42")).as("nothing in Redis").isNull();
		await().atMost(WAIT).until(() -> loader.get("42") == null);
	}

	@Test
	void aLoadThatAnotherInstancesPutOvertookLeavesThePutValueInRedis() throws Exception {
		Cache loader = instance("a").getCache("products");
		Cache other = instance("b").getCache("products");
		CountDownLatch loading = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		CompletableFuture<String> stale = CompletableFuture.supplyAsync(() -> loader.get("42", () -> {
			loading.countDown();
			release.await();
			return "old price";
		}));
		assertThat(loading.await(10, TimeUnit.SECONDS)).isTrue();
		other.put("42", "new price");
		release.countDown();
		assertThat(stale.get(10, TimeUnit.SECONDS)).isEqualTo("old price");
		assertThat(instance("c").getCache("products").get("42", String.class)).isEqualTo("new price");
		await().atMost(WAIT).until(() -> "new price".equals(loader.get("42", String.class)));
	}

	@Test
	void aPutThatRedisDidNotTakeIsEvictedThereOnceItAnswersSoNoInstanceKeepsReadingTheOldValue() {
		TwoLevelCacheManager writerManager = instance("a");
		Cache writer = writerManager.getCache("products");
		Cache reader = instance("b").getCache("products");
		writer.put("42", "old price");
		assertThat(reader.get("42", String.class)).isEqualTo("old price");
		this.redis.server().freeze();
		try {
			writer.put("42", "new price");
			writer.evict("7");
			assertThat(writerManager.details()).containsEntry("pendingEvictions", 2);
		}
		finally {
			this.redis.server().thaw();
		}
		await().atMost(WAIT).until(() -> reader.get("42") == null);
		assertThat(reader.get("42", () -> "new price")).isEqualTo("new price");
		await().atMost(WAIT).until(() -> !writerManager.details().containsKey("pendingEvictions"));
	}

	@Test
	void anEvictionStillRemovesTheEntryFromARedisTooFullForItsTombstone() {
		try (PrivateRedis full = PrivateRedis.start("--maxmemory", "4mb", "--maxmemory-policy", "noeviction")) {
			RedisCacheStore store = new RedisCacheStore(
					TestGuards.withBreaker(full.connectionFactory(), Duration.ofSeconds(1), Duration.ofSeconds(30)),
					new RedisKeys("cache-tests:"), "a", CacheObserver.NONE);
			this.stores.add(store);
			TwoLevelCacheManager manager = new TwoLevelCacheManager(List.of(),
					(cache) -> new CacheSpec(cache, Duration.ofMinutes(10), 0, Duration.ofMinutes(1)), store,
					new CacheValueCodec(JsonMapper.builder().build(), List.of()), CacheObserver.NONE,
					Ticker.systemTicker());
			manager.afterPropertiesSet();
			Cache products = manager.getCache("products");
			products.put("42", "old price");
			fill(full);
			products.evict("42");
			assertThat(products.get("42")).as("deleted without a tombstone").isNull();
		}
	}

	private static void fill(PrivateRedis redis) {
		byte[] value = new byte[16 * 1024];
		try (org.springframework.data.redis.connection.RedisConnection connection = redis.connectionFactory()
			.getConnection()) {
			for (int i = 0; i < 10_000; i++) {
				try {
					connection.stringCommands().set(("filler:" + i).getBytes(java.nio.charset.StandardCharsets.UTF_8),
							value);
				}
				catch (RuntimeException ex) {
					assertThat(ex).hasStackTraceContaining("OOM");
					return;
				}
			}
		}
		throw new AssertionError("Redis never refused a write");
	}

	@Test
	void anEntryGoneFromRedisButStillInMemoryIsReloadedOnceNotOnEveryRead() {
		TwoLevelCacheManager manager = instance("a", (cache) -> new CacheSpec(cache, Duration.ofMinutes(10), 1_000,
				Duration.ofMinutes(10)), Ticker.systemTicker(), this.clock);
		Cache prices = manager.getCache("prices");
		AtomicInteger loads = new AtomicInteger();
		java.util.concurrent.Callable<String> load = () -> "price-" + loads.incrementAndGet();
		prices.get("42", load);
		try (org.springframework.data.redis.connection.RedisConnection connection = this.redis.connectionFactory()
			.getConnection()) {
			connection.keyCommands().del("cache-tests:cache:{42}:prices".getBytes(java.nio.charset.StandardCharsets.UTF_8));
		}
		this.clock.move(Duration.ofMinutes(10));
		for (int i = 0; i < 20; i++) {
			prices.get("42", load);
		}
		assertThat(loads).hasValue(3);
		assertThat(instance("b").getCache("prices").get("42", String.class)).isEqualTo("price-3");
	}

	@Test
	void cachesWhoseEvictionsOverflowedAreAllClearedOnceRedisAnswersEvenAfterAFailedReplay() {
		GuardedRedis guarded = TestGuards.withBreaker(this.redis.connectionFactory(), Duration.ofMillis(300),
				Duration.ofMillis(200));
		RedisCacheStore store = new RedisCacheStore(guarded, new RedisKeys("cache-tests:"), "a", CacheObserver.NONE,
				2);
		this.stores.add(store);
		TwoLevelCacheManager writer = new TwoLevelCacheManager(List.of(),
				(cache) -> new CacheSpec(cache, Duration.ofMinutes(10), 1_000, Duration.ofMinutes(1)), store,
				new CacheValueCodec(JsonMapper.builder().build(), List.of()), CacheObserver.NONE, Ticker.systemTicker());
		writer.afterPropertiesSet();
		writer.getCache("first").put("1", "old");
		writer.getCache("second").put("1", "old");
		this.redis.server().freeze();
		try {
			for (String cache : List.of("first", "second")) {
				for (int i = 1; i <= 3; i++) {
					writer.getCache(cache).evict(Integer.toString(i));
				}
			}
			assertThat(store.replayPending()).as("both caches still to clear").isEqualTo(2);
		}
		finally {
			this.redis.server().thaw();
		}
		TwoLevelCacheManager reader = instance("b");
		await().atMost(WAIT).until(() -> reader.getCache("first").get("1") == null
				&& reader.getCache("second").get("1") == null);
	}

	@Test
	void anInstanceWhoseEvictionRedisMissedDropsTheCopyItReadBackBeforeTheReplay() {
		TwoLevelCacheManager manager = instance("a");
		Cache products = manager.getCache("products");
		products.put("42", "old price");
		this.redis.server().freeze();
		try {
			products.evict("42");
		}
		finally {
			this.redis.server().thaw();
		}
		await().atMost(WAIT).until(() -> products.get("42") == null);
	}

	@Test
	void evictionsAreCountedOnlyWhereThereWasAnEntry() {
		Cache products = instance("a").getCache("products");
		products.evict("absent");
		assertThat(count("a", CacheLevel.REMOTE, "evicted")).isZero();
		assertThat(count("a", CacheLevel.LOCAL, "evicted")).isZero();
		products.put("42", "lamp");
		products.evict("42");
		assertThat(count("a", CacheLevel.REMOTE, "evicted")).isOne();
		assertThat(count("a", CacheLevel.LOCAL, "evicted")).isOne();
	}

	@Override
	protected TwoLevelCacheManager instance(String name, Function<String, CacheSpec> spec, Ticker ticker,
			Clock clock) {
		return instance(name, spec, ticker, clock, TestGuards.withBreaker(this.redis.connectionFactory(),
				Duration.ofMillis(300), Duration.ofMillis(200)));
	}

	private TwoLevelCacheManager instance(String name) {
		return instance(name, (cache) -> new CacheSpec(cache, Duration.ofMinutes(10), 1_000, Duration.ofMinutes(1)),
				Ticker.systemTicker(), Clock.systemUTC());
	}

	private TwoLevelCacheManager instance(String name, Function<String, CacheSpec> spec, Ticker ticker, Clock clock,
			GuardedRedis redis) {
		CacheObserver observer = new CacheObserver() {

			@Override
			public void hit(String cache, CacheLevel level) {
				count(name + ":" + level + ":hit");
			}

			@Override
			public void miss(String cache, CacheLevel level) {
				count(name + ":" + level + ":miss");
			}

			@Override
			public void evicted(String cache, CacheLevel level) {
				count(name + ":" + level + ":evicted");
			}

			@Override
			public void remoteFailed(String cache, String reason) {
				count(name + ":failed:" + reason);
			}

		};
		RedisCacheStore store = new RedisCacheStore(redis, new RedisKeys("cache-tests:"), name, observer);
		this.stores.add(store);
		TwoLevelCacheManager manager = new TwoLevelCacheManager(List.of(), spec, store,
				new CacheValueCodec(JsonMapper.builder().build(), List.of()), observer, ticker, clock);
		manager.afterPropertiesSet();
		CacheInvalidations listening = new CacheInvalidations(new DedicatedConnections(this.redis.connectionFactory()),
				store, name, manager, Duration.ofSeconds(2));
		listening.subscribe();
		await().atMost(WAIT).until(listening::isListening);
		this.invalidations.add(listening);
		return manager;
	}

	private void count(String name) {
		this.counts.computeIfAbsent(name, (key) -> new LongAdder()).increment();
	}

	private long count(String instance, CacheLevel level, String result) {
		LongAdder count = this.counts.get(instance + ":" + level + ":" + result);
		return (count != null) ? count.sum() : 0;
	}

}
