package dev.scalability.benchmarks;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.scalability.autoconfigure.FeatureRedisProperties;
import dev.scalability.autoconfigure.RedisGuards;
import dev.scalability.autoconfigure.ScalabilityProperties;
import dev.scalability.cache.CacheObserver;
import dev.scalability.cache.CacheSpec;
import dev.scalability.cache.CacheValueCodec;
import dev.scalability.cache.TwoLevelCacheManager;
import dev.scalability.cache.redis.RedisCacheStore;
import dev.scalability.redis.RedisConnector;
import dev.scalability.redis.RedisKeys;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.cache.Cache;
import org.springframework.data.redis.cache.RedisCacheConfiguration;
import org.springframework.data.redis.cache.RedisCacheManager;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.serializer.GenericJacksonJsonRedisSerializer;
import org.springframework.data.redis.serializer.RedisSerializationContext;

/**
 * Reads through the two-level cache, side by side with what a user would pick instead:
 * a hit in memory against Caffeine's own {@code getIfPresent}; a hit in Redis (nothing kept
 * in memory) against Spring Data Redis's {@code RedisCacheManager}; and a read workload of
 * 1,000 keys, nine reads in ten on the hottest hundred, against {@code RedisCacheManager}
 * alone. A private {@code redis-server}, everything on the same machine.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
@Fork(1)
@Threads(8)
@State(Scope.Benchmark)
public class CacheBenchmark {

	private static final int KEYS = 1_000;

	private static final int HOT_KEYS = 100;

	private static final Product PRODUCT = new Product(42L, "desk lamp", 1999L);

	private BenchmarkRedis redis;

	private LettuceConnectionFactory factory;

	private com.github.benmanes.caffeine.cache.Cache<String, Object> caffeine;

	private Cache memoryOnly;

	private Cache remoteOnly;

	private Cache twoLevels;

	private Cache springDataRedis;

	@Setup(Level.Trial)
	public void start() {
		this.redis = BenchmarkRedis.start();
		this.factory = EventBusLoad.connectionFactory(this.redis);
		this.caffeine = Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(Duration.ofMinutes(1)).build();
		this.caffeine.put("42", PRODUCT);
		CacheValueCodec codec = new CacheValueCodec(JsonMapper.builder().build(),
				List.of("dev.scalability.benchmarks"));
		TwoLevelCacheManager memory = new TwoLevelCacheManager(List.of(), (name) -> spec(name, 10_000), null, codec,
				CacheObserver.NONE, Ticker.systemTicker());
		memory.afterPropertiesSet();
		this.memoryOnly = memory.getCache("products");
		RedisCacheStore store = new RedisCacheStore(
				new RedisGuards(new RedisConnector(this.factory, Runnable::run), new ScalabilityProperties.Redis(),
						CircuitBreakerRegistry.ofDefaults())
					.forFeature("cache", new FeatureRedisProperties()),
				new RedisKeys("bench:"), "bench", CacheObserver.NONE);
		TwoLevelCacheManager remote = new TwoLevelCacheManager(List.of(), (name) -> spec(name, 0), store, codec,
				CacheObserver.NONE, Ticker.systemTicker());
		remote.afterPropertiesSet();
		this.remoteOnly = remote.getCache("products");
		TwoLevelCacheManager both = new TwoLevelCacheManager(List.of(), (name) -> spec(name, 10_000), store, codec,
				CacheObserver.NONE, Ticker.systemTicker());
		both.afterPropertiesSet();
		this.twoLevels = both.getCache("catalog");
		RedisCacheManager spring = RedisCacheManager.builder(this.factory)
			.cacheDefaults(RedisCacheConfiguration.defaultCacheConfig()
				.entryTtl(Duration.ofMinutes(10))
				.serializeValuesWith(RedisSerializationContext.SerializationPair
					.fromSerializer(GenericJacksonJsonRedisSerializer.builder().build())))
			.build();
		spring.afterPropertiesSet();
		this.springDataRedis = spring.getCache("catalog");
		this.memoryOnly.put("42", PRODUCT);
		this.remoteOnly.put("42", PRODUCT);
		for (int i = 0; i < KEYS; i++) {
			Product product = new Product((long) i, "product " + i, 100L + i);
			this.twoLevels.put(Integer.toString(i), product);
			this.springDataRedis.put(Integer.toString(i), product);
		}
	}

	@TearDown(Level.Trial)
	public void stop() {
		this.factory.destroy();
		this.redis.close();
	}

	@Benchmark
	public Object memoryHitCaffeine() {
		return this.caffeine.getIfPresent("42");
	}

	@Benchmark
	public Object memoryHitTwoLevelCache() {
		return this.memoryOnly.get("42");
	}

	@Benchmark
	public Object redisHitTwoLevelCache() {
		return this.remoteOnly.get("42");
	}

	@Benchmark
	public Object redisHitSpringDataRedis() {
		return this.springDataRedis.get("42");
	}

	@Benchmark
	public Object hotReadsTwoLevelCache() {
		return this.twoLevels.get(hotKey());
	}

	@Benchmark
	public Object hotReadsSpringDataRedis() {
		return this.springDataRedis.get(hotKey());
	}

	private static String hotKey() {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		int key = (random.nextInt(10) < 9) ? random.nextInt(HOT_KEYS) : random.nextInt(KEYS);
		return Integer.toString(key);
	}

	private static CacheSpec spec(String name, long localSize) {
		return new CacheSpec(name, Duration.ofMinutes(10), localSize, Duration.ofMinutes(1));
	}

	/**
	 * A cached value.
	 *
	 * @param id the id
	 * @param name the name
	 * @param priceInCents the price
	 */
	public record Product(Long id, String name, Long priceInCents) {

	}

}
