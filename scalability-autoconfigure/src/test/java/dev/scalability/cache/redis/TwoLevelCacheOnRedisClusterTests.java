package dev.scalability.cache.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.scalability.cache.CacheObserver;
import dev.scalability.cache.CacheSpec;
import dev.scalability.cache.CacheValueCodec;
import dev.scalability.cache.TwoLevelCacheManager;
import dev.scalability.redis.DedicatedConnections;
import dev.scalability.redis.GuardedRedis;
import dev.scalability.redis.RedisKeys;
import dev.scalability.redis.TestGuards;
import dev.scalability.test.redis.LettuceFactories;
import dev.scalability.test.redis.RedisClusterProcesses;
import dev.scalability.test.redis.TestRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.cache.Cache;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * On a Redis Cluster of three masters: entries spread over the masters, a clear finds them
 * on every master with SCAN, and invalidations reach the other instance.
 */
class TwoLevelCacheOnRedisClusterTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	private static RedisClusterProcesses cluster;

	private static LettuceConnectionFactory connectionFactory;

	private final List<CacheInvalidations> invalidations = new ArrayList<>();

	@BeforeAll
	static void startCluster() {
		TestRedis.requireRedisServerOnPath();
		cluster = RedisClusterProcesses.start(3, 0);
		connectionFactory = LettuceFactories.cluster(cluster.endpoints());
	}

	@AfterAll
	static void stopCluster() {
		if (connectionFactory != null) {
			connectionFactory.destroy();
		}
		if (cluster != null) {
			cluster.close();
		}
	}

	@AfterEach
	void closeInvalidations() {
		this.invalidations.forEach(CacheInvalidations::close);
	}

	@Test
	void entriesOnEveryMasterAreClearedWithScanAndChangesReachTheOtherInstance() {
		Cache first = instance("a").getCache("products");
		Cache second = instance("b").getCache("products");
		for (int i = 0; i < 300; i++) {
			first.put("p" + i, i);
		}
		for (int master = 0; master < 3; master++) {
			assertThat(cluster.masters().get(master).info("keyspace")).as("entries on master " + master).isNotEmpty();
		}
		assertThat(second.get("p7", Integer.class)).isEqualTo(7);
		first.put("p7", 70);
		await().atMost(WAIT).until(() -> Integer.valueOf(70).equals(second.get("p7", Integer.class)));
		first.clear();
		await().atMost(WAIT).until(() -> second.get("p7") == null);
		for (int master = 0; master < 3; master++) {
			assertThat(cluster.masters().get(master).info("keyspace")).as("master " + master + " after the clear")
				.isEmpty();
		}
	}

	private TwoLevelCacheManager instance(String name) {
		GuardedRedis redis = TestGuards.bounded(connectionFactory, Duration.ofSeconds(2));
		RedisCacheStore store = new RedisCacheStore(redis, new RedisKeys("cluster-cache:"), name, CacheObserver.NONE);
		TwoLevelCacheManager manager = new TwoLevelCacheManager(List.of(),
				(cache) -> new CacheSpec(cache, Duration.ofMinutes(10), 1_000, Duration.ofMinutes(1)), store,
				new CacheValueCodec(JsonMapper.builder().build(), List.of()), CacheObserver.NONE, Ticker.systemTicker());
		manager.afterPropertiesSet();
		CacheInvalidations listening = new CacheInvalidations(new DedicatedConnections(connectionFactory), store, name,
				manager, Duration.ofSeconds(2));
		await().atMost(WAIT).until(() -> {
			listening.subscribe();
			return listening.isListening();
		});
		this.invalidations.add(listening);
		return manager;
	}

}
