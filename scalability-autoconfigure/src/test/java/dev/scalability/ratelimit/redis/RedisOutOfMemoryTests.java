package dev.scalability.ratelimit.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import dev.scalability.ratelimit.AcquireMode;
import dev.scalability.ratelimit.FailMode;
import dev.scalability.ratelimit.RateLimit;
import dev.scalability.ratelimit.RateLimitAlgorithm;
import dev.scalability.ratelimit.RateLimitDecision;
import dev.scalability.ratelimit.RateLimitPolicy;
import dev.scalability.ratelimit.memory.MemoryRateLimiter;
import dev.scalability.redis.RedisKeys;
import dev.scalability.redis.TestGuards;
import dev.scalability.test.redis.PrivateRedis;
import dev.scalability.time.MonotonicClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Redis with {@code maxmemory} and {@code noeviction} (what the task queue needs) that a
 * flood of new keys has filled: clients Redis already knows keep their exact shared
 * decisions, new keys are decided by the fail-mode, and the limiter says it is degraded.
 */
class RedisOutOfMemoryTests {

	private final RateLimitPolicy policy = RateLimitPolicy.of("full", RateLimitAlgorithm.FIXED_WINDOW,
			RateLimit.of(3, Duration.ofHours(1)));

	private PrivateRedis privateRedis;

	private LettuceConnectionFactory connectionFactory;

	@BeforeEach
	void start() {
		this.privateRedis = PrivateRedis.start("--maxmemory", "4mb", "--maxmemory-policy", "noeviction");
		this.connectionFactory = this.privateRedis.connectionFactory();
	}

	@AfterEach
	void stop() {
		this.privateRedis.close();
	}

	@Test
	void aFloodOfNewKeysNeverMakesDecisionsForKnownClientsFail() {
		FailoverRateLimiter limiter = new FailoverRateLimiter(
				new RedisRateLimiter(TestGuards.withBreaker(this.connectionFactory, Duration.ofSeconds(1),
						Duration.ofSeconds(30)), new RedisKeys("oom:")),
				FailMode.LOCAL, new MemoryRateLimiter(1_000, MonotonicClock.system()), () -> 1);
		assertThat(limiter.acquire(this.policy, "known", 1, AcquireMode.ACQUIRE).source())
			.isEqualTo(RateLimitDecision.Source.BACKEND);
		fillRedis();
		// Right at the bound some small keys still fit; once Redis refuses one, it refuses them all.
		int firstDecidedLocally = -1;
		for (int i = 0; i < 500; i++) {
			RateLimitDecision newcomer = limiter.acquire(this.policy, "new-" + i, 1, AcquireMode.ACQUIRE);
			if (firstDecidedLocally < 0 && newcomer.source() == RateLimitDecision.Source.FALLBACK) {
				firstDecidedLocally = i;
			}
			if (firstDecidedLocally >= 0) {
				assertThat(newcomer.source()).as("newcomer " + i).isEqualTo(RateLimitDecision.Source.FALLBACK);
			}
		}
		assertThat(firstDecidedLocally).isNotNegative();
		RateLimitDecision second = limiter.acquire(this.policy, "known", 1, AcquireMode.ACQUIRE);
		assertThat(second.source()).isEqualTo(RateLimitDecision.Source.BACKEND);
		assertThat(second.remaining()).isEqualTo(1);
		assertThat(limiter.acquire(this.policy, "known", 1, AcquireMode.ACQUIRE).allowed()).isTrue();
		RateLimitDecision refused = limiter.acquire(this.policy, "known", 1, AcquireMode.ACQUIRE);
		assertThat(refused.allowed()).isFalse();
		assertThat(refused.source()).isEqualTo(RateLimitDecision.Source.BACKEND);
		assertThat(limiter.redis().redis().isHeldBack()).as("Redis answered: the breaker stays closed").isFalse();
		assertThat(limiter.degraded()).isTrue();
		assertThat(limiter.details()).containsEntry("redisFull", true);
	}

	private void fillRedis() {
		byte[] value = new byte[16 * 1024];
		try (RedisConnection connection = this.connectionFactory.getConnection()) {
			for (int i = 0; i < 10_000; i++) {
				try {
					connection.stringCommands().set(("filler:" + i).getBytes(StandardCharsets.UTF_8), value);
				}
				catch (RuntimeException ex) {
					assertThat(ex).hasStackTraceContaining("OOM");
					return;
				}
			}
		}
		throw new AssertionError("Redis never refused a write");
	}

}
