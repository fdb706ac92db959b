package dev.scalability.ratelimit.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;

import dev.scalability.ratelimit.AcquireMode;
import dev.scalability.ratelimit.FailMode;
import dev.scalability.ratelimit.RateLimit;
import dev.scalability.ratelimit.RateLimitAlgorithm;
import dev.scalability.ratelimit.RateLimitDecision;
import dev.scalability.ratelimit.RateLimitDecision.Source;
import dev.scalability.ratelimit.RateLimitPolicy;
import dev.scalability.ratelimit.RateLimiterUnavailableException;
import dev.scalability.ratelimit.memory.MemoryRateLimiter;
import dev.scalability.ratelimit.redis.FailoverRateLimiter;
import dev.scalability.redis.RedisKeys;
import dev.scalability.redis.TestGuards;
import dev.scalability.test.redis.LettuceFactories;
import dev.scalability.test.redis.PrivateRedis;
import dev.scalability.test.redis.RedisServerProcess;
import dev.scalability.time.MonotonicClock;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Redis stopped, frozen or absent at start-up: each fail-mode does what it promises, no
 * call waits longer than the timeout (plus scheduling slack), and shared limits come back
 * by themselves once Redis does.
 */
class RedisFailModeTests {

	private static final Duration TIMEOUT = Duration.ofMillis(200);

	private static final Duration SLACK = Duration.ofMillis(400);

	private final RateLimitPolicy policy = RateLimitPolicy.of("fail", RateLimitAlgorithm.TOKEN_BUCKET,
			RateLimit.of(3, Duration.ofHours(1)));

	private PrivateRedis privateRedis;

	private RedisServerProcess redis;

	private LettuceConnectionFactory connectionFactory;

	@BeforeEach
	void start() {
		this.privateRedis = PrivateRedis.start();
		this.redis = this.privateRedis.server();
		this.connectionFactory = this.privateRedis.connectionFactory();
	}

	@AfterEach
	void stop() {
		this.privateRedis.close();
	}

	private FailoverRateLimiter limiter(FailMode failMode) {
		return limiter(this.connectionFactory, failMode, () -> 1);
	}

	private static FailoverRateLimiter limiter(LettuceConnectionFactory connectionFactory, FailMode failMode,
			IntSupplier instances) {
		RedisRateLimiter redisLimiter = new RedisRateLimiter(
				TestGuards.withBreaker(connectionFactory, TIMEOUT, Duration.ofMillis(500)), new RedisKeys("fail:"));
		return new FailoverRateLimiter(redisLimiter, failMode, new MemoryRateLimiter(1_000, MonotonicClock.system()),
				instances);
	}

	private static CircuitBreaker breaker(FailoverRateLimiter limiter) {
		return limiter.redis().redis().circuitBreaker();
	}

	private List<RateLimitDecision> timedAcquires(FailoverRateLimiter limiter, String key, int count) {
		List<RateLimitDecision> decisions = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			long start = System.nanoTime();
			decisions.add(limiter.acquire(this.policy, key, 1, AcquireMode.ACQUIRE));
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(TIMEOUT.plus(SLACK));
		}
		return decisions;
	}

	@Test
	void localFailModeKeepsLimitingPerInstanceWhileRedisIsDown() {
		FailoverRateLimiter limiter = limiter(FailMode.LOCAL);
		assertThat(limiter.acquire(this.policy, "a", 1, AcquireMode.ACQUIRE).source()).isEqualTo(Source.BACKEND);
		this.redis.stop();
		List<RateLimitDecision> decisions = timedAcquires(limiter, "b", 5);
		assertThat(decisions).allSatisfy((decision) -> assertThat(decision.source()).isEqualTo(Source.FALLBACK));
		assertThat(decisions).extracting(RateLimitDecision::allowed).containsExactly(true, true, true, false, false);
	}

	@Test
	void eachInstanceAdmitsOnlyItsShareOfTheLimitWhileRedisIsDown() {
		RateLimitPolicy hundred = RateLimitPolicy.of("share", RateLimitAlgorithm.FIXED_WINDOW,
				RateLimit.of(100, Duration.ofHours(1)));
		FailoverRateLimiter limiter = limiter(this.connectionFactory, FailMode.LOCAL, () -> 4);
		this.redis.stop();
		int allowed = 0;
		for (int i = 0; i < 200; i++) {
			if (limiter.acquire(hundred, "a", 1, AcquireMode.ACQUIRE).allowed()) {
				allowed++;
			}
		}
		assertThat(allowed).as("a quarter of 100 with four instances sharing it").isEqualTo(25);
		assertThat(limiter.details()).containsEntry("instances", 4);
	}

	@Test
	void aPermitGoesBackOnlyToWhoeverGrantedIt() {
		RateLimitPolicy two = RateLimitPolicy.of("refunds", RateLimitAlgorithm.FIXED_WINDOW,
				RateLimit.of(2, Duration.ofHours(1)));
		FailoverRateLimiter limiter = limiter(FailMode.LOCAL);
		RateLimitDecision fromRedis = limiter.acquire(two, "a", 1, AcquireMode.ACQUIRE);
		assertThat(fromRedis.source()).isEqualTo(Source.BACKEND);
		this.redis.stop();
		RateLimitDecision fromFallback = limiter.acquire(two, "a", 1, AcquireMode.ACQUIRE);
		assertThat(fromFallback.source()).isEqualTo(Source.FALLBACK);
		// Redis is gone: its permit is not given back locally, where it was never taken.
		limiter.refund(two, "a", 1, Source.BACKEND);
		assertThat(limiter.acquire(two, "a", 1, AcquireMode.ACQUIRE).allowed()).isTrue();
		assertThat(limiter.acquire(two, "a", 1, AcquireMode.ACQUIRE).allowed()).isFalse();
		this.redis.restart();
		await().atMost(Duration.ofSeconds(20))
			.until(() -> limiter.acquire(two, "b", 1, AcquireMode.CHECK).source() == Source.BACKEND);
		// The fallback's permit is not given back to Redis, where it was never taken.
		limiter.refund(two, "a", 1, Source.FALLBACK);
		assertThat(limiter.acquire(two, "a", 1, AcquireMode.ACQUIRE).allowed()).isTrue();
		assertThat(limiter.acquire(two, "a", 1, AcquireMode.ACQUIRE).allowed()).isTrue();
		assertThat(limiter.acquire(two, "a", 1, AcquireMode.ACQUIRE).allowed()).isFalse();
	}

	@Test
	void aPermitGivenBackToTheFallbackGoesBackToTheShareItWasTakenFrom() {
		RateLimitPolicy hundred = RateLimitPolicy.of("share-refund", RateLimitAlgorithm.TOKEN_BUCKET,
				RateLimit.of(100, Duration.ofHours(1)));
		FailoverRateLimiter limiter = limiter(this.connectionFactory, FailMode.LOCAL, () -> 4);
		this.redis.stop();
		RateLimitDecision last = null;
		for (int i = 0; i < 25; i++) {
			last = limiter.acquire(hundred, "a", 1, AcquireMode.ACQUIRE);
			assertThat(last.allowed()).isTrue();
		}
		assertThat(limiter.acquire(hundred, "a", 1, AcquireMode.ACQUIRE).allowed()).isFalse();
		limiter.refund(last.policy(), "a", 1, last.source());
		assertThat(limiter.acquire(hundred, "a", 1, AcquireMode.ACQUIRE).allowed()).isTrue();
		assertThat(limiter.acquire(hundred, "a", 1, AcquireMode.ACQUIRE).allowed()).as("one permit back, not four")
			.isFalse();
	}

	@Test
	void givingPermitsBackNeverWaitsForAFrozenRedisAndWhatIsLostIsCounted() {
		FailoverRateLimiter limiter = limiter(FailMode.LOCAL);
		RateLimitDecision taken = limiter.acquire(this.policy, "a", 1, AcquireMode.ACQUIRE);
		this.redis.freeze();
		long start = System.nanoTime();
		for (int i = 0; i < 20; i++) {
			limiter.refund(taken.policy(), "a", 1, taken.source());
		}
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(TIMEOUT);
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat((Long) limiter.details().get("refundsLost")).isEqualTo(20L));
	}

	@Test
	void openFailModeAllowsEverythingWhileRedisIsDown() {
		FailoverRateLimiter limiter = limiter(FailMode.OPEN);
		this.redis.stop();
		assertThat(timedAcquires(limiter, "a", 10)).allSatisfy((decision) -> {
			assertThat(decision.allowed()).isTrue();
			assertThat(decision.source()).isEqualTo(Source.FALLBACK);
		});
	}

	@Test
	void closedFailModeRefusesWhileRedisIsDown() {
		FailoverRateLimiter limiter = limiter(FailMode.CLOSED);
		this.redis.stop();
		for (int i = 0; i < 5; i++) {
			long start = System.nanoTime();
			assertThatExceptionOfType(RateLimiterUnavailableException.class)
				.isThrownBy(() -> limiter.acquire(this.policy, "a", 1, AcquireMode.ACQUIRE))
				.satisfies((ex) -> assertThat(ex.getRule()).isEqualTo("fail"));
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(TIMEOUT.plus(SLACK));
		}
	}

	@Test
	void sharedLimitsReturnByThemselvesWhenRedisComesBack() {
		FailoverRateLimiter limiter = limiter(FailMode.LOCAL);
		limiter.acquire(this.policy, "a", 1, AcquireMode.ACQUIRE);
		this.redis.stop();
		timedAcquires(limiter, "a", 4);
		assertThat(breaker(limiter).getState()).isEqualTo(CircuitBreaker.State.OPEN);
		this.redis.restart();
		await().atMost(Duration.ofSeconds(20))
			.until(() -> limiter.acquire(this.policy, "a", 1, AcquireMode.CHECK).source() == Source.BACKEND);
		// The shared count survived only if Redis kept it; a restarted private server starts
		// empty, so the key is counted afresh in Redis, not locally.
		RateLimitDecision decision = limiter.acquire(this.policy, "a", 1, AcquireMode.ACQUIRE);
		assertThat(decision.source()).isEqualTo(Source.BACKEND);
		assertThat(decision.remaining()).isEqualTo(2);
		assertThat(breaker(limiter).getState()).isEqualTo(CircuitBreaker.State.CLOSED);
	}

	@Test
	void aFrozenRedisCostsNoMoreThanTheTimeoutAndRecoversAfterThaw() {
		FailoverRateLimiter limiter = limiter(FailMode.LOCAL);
		limiter.acquire(this.policy, "a", 1, AcquireMode.ACQUIRE);
		this.redis.freeze();
		try {
			assertThat(timedAcquires(limiter, "a", 6))
				.allSatisfy((decision) -> assertThat(decision.source()).isEqualTo(Source.FALLBACK));
		}
		finally {
			this.redis.thaw();
		}
		await().atMost(Duration.ofSeconds(20))
			.until(() -> limiter.acquire(this.policy, "a", 1, AcquireMode.CHECK).source() == Source.BACKEND);
	}

	@Test
	void redisDownBeforeTheFirstCallCostsNoConnectTimeout() {
		this.redis.stop();
		LettuceConnectionFactory late = LettuceFactories.standalone(this.redis.endpoint());
		try {
			FailoverRateLimiter limiter = limiter(late, FailMode.LOCAL, () -> 1);
			assertThat(timedAcquires(limiter, "a", 3))
				.allSatisfy((decision) -> assertThat(decision.source()).isEqualTo(Source.FALLBACK));
			this.redis.restart();
			await().atMost(Duration.ofSeconds(20))
				.until(() -> limiter.acquire(this.policy, "a", 1, AcquireMode.CHECK).source() == Source.BACKEND);
		}
		finally {
			late.destroy();
		}
	}

}
