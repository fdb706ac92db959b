package dev.scalability.ratelimit.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.UUID;

import dev.scalability.ratelimit.AcquireMode;
import dev.scalability.ratelimit.Penalty;
import dev.scalability.ratelimit.RateLimit;
import dev.scalability.ratelimit.RateLimitAlgorithm;
import dev.scalability.ratelimit.RateLimitDecision;
import dev.scalability.ratelimit.RateLimitPolicy;
import dev.scalability.ratelimit.memory.MemoryRateLimiter;
import dev.scalability.redis.RedisKeys;
import dev.scalability.redis.TestGuards;
import dev.scalability.test.redis.LettuceFactories;
import dev.scalability.test.redis.RedisEndpoint;
import dev.scalability.test.redis.RedisTest;
import dev.scalability.test.redis.TestRedis;
import dev.scalability.test.time.ManualClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The Lua script and the memory backend's arithmetic are two copies of one algorithm:
 * random sequences of requests, on random policies, on one clock, must get the same
 * decisions from both (times to the microsecond, Redis's unit).
 */
@RedisTest
class BackendEquivalenceTests {

	private static final Duration[] WINDOWS = { Duration.ofSeconds(1), Duration.ofSeconds(10),
			Duration.ofMinutes(1) };

	private static LettuceConnectionFactory connectionFactory;

	@BeforeAll
	static void connect() {
		RedisEndpoint redis = TestRedis.requireShared();
		connectionFactory = LettuceFactories.standalone(redis);
	}

	@AfterAll
	static void disconnect() {
		connectionFactory.destroy();
	}

	@Test
	void memoryAndRedisDecideAlikeOnRandomSequences() {
		Random random = new Random(20261123L);
		for (int round = 0; round < 60; round++) {
			ManualClock clock = new ManualClock();
			MemoryRateLimiter memory = new MemoryRateLimiter(1_000, clock::nanos);
			RedisRateLimiter redis = new RedisRateLimiter(
					TestGuards.bounded(connectionFactory, Duration.ofSeconds(5)),
					new RedisKeys("equivalence:" + UUID.randomUUID() + ":"), clock::micros);
			RateLimitPolicy policy = randomPolicy(random, "p" + round);
			long capacity = policy.limits().stream().mapToLong(RateLimit::capacity).min().orElseThrow();
			for (int step = 0; step < 80; step++) {
				// Time only moves forward here: a Redis key expires in real time once its state no
				// longer matters, which a clock stepping back could make matter again; the
				// behaviour suite covers steps back on both backends.
				if (random.nextInt(10) < 6) {
					long window = policy.longestWindow().toNanos() / 1_000;
					clock.advance(Duration.ofNanos(1_000L * (1 + random.nextLong(Math.max(1, window / 4)))));
				}
				AcquireMode mode = randomMode(random);
				long permits = 1 + random.nextInt((int) Math.min(capacity, 3));
				String key = random.nextBoolean() ? "a" : "b";
				RateLimitDecision fromMemory = memory.acquire(policy, key, permits, mode);
				RateLimitDecision fromRedis = redis.acquire(policy, key, permits, mode);
				String where = policy + " step " + step + " " + mode + " x" + permits + " key " + key;
				if (mode == AcquireMode.REFUND) {
					continue;
				}
				assertThat(fromRedis.allowed()).as(where).isEqualTo(fromMemory.allowed());
				assertThat(fromRedis.limitIndex()).as(where).isEqualTo(fromMemory.limitIndex());
				assertThat(fromRedis.remaining()).as(where).isEqualTo(fromMemory.remaining());
				assertThat(fromRedis.retryAfterNanos()).as(where).isCloseTo(fromMemory.retryAfterNanos(),
						within(1_000L));
				assertThat(fromRedis.resetNanos()).as(where).isCloseTo(fromMemory.resetNanos(),
						within(1_000L));
			}
		}
	}

	private static AcquireMode randomMode(Random random) {
		int draw = random.nextInt(20);
		return (draw < 14) ? AcquireMode.ACQUIRE : (draw < 17) ? AcquireMode.CHECK : AcquireMode.REFUND;
	}

	private static RateLimitPolicy randomPolicy(Random random, String name) {
		RateLimitAlgorithm algorithm = RateLimitAlgorithm.values()[random.nextInt(3)];
		List<Duration> windows = new ArrayList<>(List.of(WINDOWS));
		Collections.shuffle(windows, random);
		int count = 1 + random.nextInt(3);
		List<RateLimit> limits = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			long burst = (algorithm == RateLimitAlgorithm.TOKEN_BUCKET) ? random.nextInt(3) : 0;
			limits.add(new RateLimit(1 + random.nextInt(12), windows.get(i), burst));
		}
		Penalty penalty = null;
		if (random.nextBoolean()) {
			Duration block = random.nextBoolean() ? Duration.ofSeconds(1) : Duration.ofSeconds(30);
			penalty = new Penalty(1 + random.nextInt(3), block, block.multipliedBy(1 + random.nextInt(4)));
		}
		return new RateLimitPolicy(name, algorithm, limits, penalty);
	}

}
