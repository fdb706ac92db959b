package dev.scalability.ratelimit.redis;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

import dev.scalability.ratelimit.AcquireMode;
import dev.scalability.ratelimit.RateLimit;
import dev.scalability.ratelimit.RateLimitAlgorithm;
import dev.scalability.ratelimit.RateLimitPolicy;
import dev.scalability.redis.RedisKeys;
import dev.scalability.redis.TestGuards;
import dev.scalability.test.redis.LettuceFactories;
import dev.scalability.test.redis.RedisClusterProcesses;
import dev.scalability.test.redis.TestRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * On a Redis Cluster of three masters: every decision's key lives in one slot (its hash
 * tag), keys spread over the masters, and limits stay exact.
 */
class RedisClusterRateLimiterTests {

	private static RedisClusterProcesses cluster;

	private static LettuceConnectionFactory connectionFactory;

	@BeforeAll
	static void start() {
		TestRedis.requireRedisServerOnPath();
		cluster = RedisClusterProcesses.start(3, 0);
		connectionFactory = LettuceFactories.cluster(cluster.endpoints());
	}

	@AfterAll
	static void stop() {
		connectionFactory.destroy();
		cluster.close();
	}

	@Test
	void decisionsRunOnEveryMasterAndStayExact() {
		RedisRateLimiter limiter = new RedisRateLimiter(TestGuards.bounded(connectionFactory,
				Duration.ofSeconds(5)), new RedisKeys("cluster:"));
		RateLimitPolicy policy = RateLimitPolicy.of("api", RateLimitAlgorithm.SLIDING_WINDOW,
				RateLimit.of(3, Duration.ofMinutes(1)), RateLimit.of(100, Duration.ofHours(1)));
		Set<Integer> masters = new HashSet<>();
		for (int client = 0; client < 30; client++) {
			String key = "client-" + client;
			int allowed = 0;
			for (int i = 0; i < 5; i++) {
				if (limiter.acquire(policy, key, 1, AcquireMode.ACQUIRE).allowed()) {
					allowed++;
				}
			}
			assertThat(allowed).as(key).isEqualTo(3);
			masters.add(cluster.nodeForKey("cluster:rl:{api:" + key + "}").port());
		}
		assertThat(masters).hasSize(3);
	}

}
