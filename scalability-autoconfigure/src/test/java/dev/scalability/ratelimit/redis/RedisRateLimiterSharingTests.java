package dev.scalability.ratelimit.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import dev.scalability.ratelimit.AcquireMode;
import dev.scalability.ratelimit.RateLimit;
import dev.scalability.ratelimit.RateLimitAlgorithm;
import dev.scalability.ratelimit.RateLimitPolicy;
import dev.scalability.redis.RedisKeys;
import dev.scalability.redis.TestGuards;
import dev.scalability.test.redis.LettuceFactories;
import dev.scalability.test.redis.RedisServerProcess;
import dev.scalability.test.redis.TestRedis;
import dev.scalability.test.time.ManualClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two instances of an application on one Redis, each with its own connection, share one
 * limit exactly, with one script call per decision and every key expiring.
 */
class RedisRateLimiterSharingTests {

	private static RedisServerProcess redis;

	private static LettuceConnectionFactory first;

	private static LettuceConnectionFactory second;

	@BeforeAll
	static void start() {
		TestRedis.requireRedisServerOnPath();
		redis = RedisServerProcess.start();
		first = LettuceFactories.standalone(redis.endpoint());
		second = LettuceFactories.standalone(redis.endpoint());
	}

	@AfterAll
	static void stop() {
		first.destroy();
		second.destroy();
		redis.close();
	}

	private static RedisRateLimiter limiter(LettuceConnectionFactory factory) {
		return new RedisRateLimiter(TestGuards.bounded(factory, Duration.ofSeconds(5)), new RedisKeys("share:"));
	}

	@ParameterizedTest
	@EnumSource(RateLimitAlgorithm.class)
	void twoInstancesNeverAdmitMoreThanTheLimitUnder32ConcurrentCallers(RateLimitAlgorithm algorithm)
			throws Exception {
		RateLimitPolicy policy = RateLimitPolicy.of("shared-" + algorithm, algorithm,
				RateLimit.of(100, Duration.ofHours(1)));
		// One clock for both, fixed: a window boundary must not fall in the middle of the test.
		ManualClock clock = new ManualClock();
		List<RedisRateLimiter> instances = List.of(
				new RedisRateLimiter(TestGuards.bounded(first, Duration.ofSeconds(5)), new RedisKeys("share:"), clock::micros),
				new RedisRateLimiter(TestGuards.bounded(second, Duration.ofSeconds(5)), new RedisKeys("share:"), clock::micros));
		AtomicInteger allowed = new AtomicInteger();
		CountDownLatch start = new CountDownLatch(1);
		ExecutorService callers = Executors.newFixedThreadPool(32);
		try {
			List<Future<Object>> done = new ArrayList<>();
			for (int caller = 0; caller < 32; caller++) {
				RedisRateLimiter instance = instances.get(caller % 2);
				done.add(callers.submit((Callable<Object>) () -> {
					start.await();
					for (int i = 0; i < 10; i++) {
						if (instance.acquire(policy, "hot", 1, AcquireMode.ACQUIRE).allowed()) {
							allowed.incrementAndGet();
						}
					}
					return null;
				}));
			}
			start.countDown();
			for (Future<Object> future : done) {
				future.get();
			}
		}
		finally {
			callers.shutdownNow();
		}
		assertThat(allowed.get()).isEqualTo(100);
	}

	@Test
	void eachDecisionIsExactlyOneEvalshaOnceTheScriptIsLoaded() {
		RedisRateLimiter limiter = limiter(first);
		RateLimitPolicy policy = RateLimitPolicy.of("round-trips", RateLimitAlgorithm.SLIDING_WINDOW,
				RateLimit.of(5, Duration.ofSeconds(1)), RateLimit.of(1000, Duration.ofHours(1)));
		limiter.acquire(policy, "warm-up", 1, AcquireMode.ACQUIRE);
		long evalshaBefore = calls("evalsha");
		long evalBefore = calls("eval");
		for (int i = 0; i < 200; i++) {
			limiter.acquire(policy, "key-" + (i % 7), 1, AcquireMode.ACQUIRE);
		}
		assertThat(calls("evalsha") - evalshaBefore).isEqualTo(200);
		assertThat(calls("eval") - evalBefore).isZero();
	}

	@Test
	void aFlushedScriptCacheIsReloadedWithoutFailingTheDecision() {
		RedisRateLimiter limiter = limiter(first);
		RateLimitPolicy policy = RateLimitPolicy.of("reloaded", RateLimitAlgorithm.TOKEN_BUCKET,
				RateLimit.of(5, Duration.ofHours(1)));
		limiter.acquire(policy, "a", 1, AcquireMode.ACQUIRE);
		try (RedisConnection connection = first.getConnection()) {
			connection.scriptingCommands().scriptFlush();
		}
		assertThat(limiter.acquire(policy, "a", 1, AcquireMode.ACQUIRE).remaining()).isEqualTo(3);
	}

	@Test
	void everyKeyHasAnExpiryNoLongerThanItsStateMatters() {
		RedisRateLimiter limiter = limiter(first);
		RateLimitPolicy bucket = RateLimitPolicy.of("ttl-bucket", RateLimitAlgorithm.TOKEN_BUCKET,
				RateLimit.of(10, Duration.ofSeconds(10)));
		RateLimitPolicy sliding = RateLimitPolicy.of("ttl-sliding", RateLimitAlgorithm.SLIDING_WINDOW,
				RateLimit.of(10, Duration.ofMinutes(1)));
		RateLimitPolicy fixed = RateLimitPolicy.of("ttl-fixed", RateLimitAlgorithm.FIXED_WINDOW,
				RateLimit.of(10, Duration.ofMinutes(1)));
		limiter.acquire(bucket, "a", 3, AcquireMode.ACQUIRE);
		limiter.acquire(sliding, "a", 1, AcquireMode.ACQUIRE);
		limiter.acquire(fixed, "a", 1, AcquireMode.ACQUIRE);
		// The bucket is full again 3 s after three permits: its state matters no longer.
		assertThat(pttl("share:rl:{ttl-bucket:a}")).isBetween(1L, 3_000L);
		// A sliding window needs the current and the next window.
		assertThat(pttl("share:rl:{ttl-sliding:a}")).isBetween(60_000L, 120_000L);
		assertThat(pttl("share:rl:{ttl-fixed:a}")).isBetween(1L, 60_000L);
		try (RedisConnection connection = first.getConnection()) {
			for (byte[] key : connection.keyCommands().keys("share:*".getBytes(StandardCharsets.UTF_8))) {
				assertThat(connection.keyCommands().pTtl(key)).as(new String(key, StandardCharsets.UTF_8))
					.isPositive();
			}
		}
	}

	@Test
	void checkingWithoutTakingWritesNothing() {
		RedisRateLimiter limiter = limiter(first);
		RateLimitPolicy policy = RateLimitPolicy.of("check-only", RateLimitAlgorithm.FIXED_WINDOW,
				RateLimit.of(10, Duration.ofMinutes(1)));
		limiter.acquire(policy, "a", 1, AcquireMode.CHECK);
		assertThat(pttl("share:rl:{check-only:a}")).isEqualTo(-2L);
	}

	private static long pttl(String key) {
		try (RedisConnection connection = first.getConnection()) {
			return connection.keyCommands().pTtl(key.getBytes(StandardCharsets.UTF_8));
		}
	}

	private static long calls(String command) {
		Map<String, String> stats = redis.info("commandstats");
		String line = stats.get("cmdstat_" + command);
		if (line == null) {
			return 0;
		}
		for (String field : line.split(",")) {
			if (field.startsWith("calls=")) {
				return Long.parseLong(field.substring("calls=".length()));
			}
		}
		return 0;
	}

}
