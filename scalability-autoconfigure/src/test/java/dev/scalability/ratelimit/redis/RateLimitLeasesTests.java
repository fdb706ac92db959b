package dev.scalability.ratelimit.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.scalability.ratelimit.AcquireMode;
import dev.scalability.ratelimit.FailMode;
import dev.scalability.ratelimit.RateLimit;
import dev.scalability.ratelimit.RateLimitAlgorithm;
import dev.scalability.ratelimit.RateLimitDecision;
import dev.scalability.ratelimit.RateLimitPolicy;
import dev.scalability.ratelimit.memory.MemoryRateLimiter;
import dev.scalability.redis.RedisKeys;
import dev.scalability.redis.TestGuards;
import dev.scalability.time.MonotonicClock;
import dev.scalability.test.redis.PrivateRedis;
import dev.scalability.test.redis.RedisTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two instances on one Redis leasing permits of one hot key: together they never admit
 * more than the limit, they share it, unused permits go back, a key that cools down
 * returns to exact decisions, and leases in hand outlive Redis until spent.
 */
@RedisTest
class RateLimitLeasesTests {

	private final RateLimitPolicy hourly = RateLimitPolicy.of("hourly", RateLimitAlgorithm.FIXED_WINDOW,
			RateLimit.of(2_000, Duration.ofHours(1)));

	private PrivateRedis redis;

	private final List<Instance> instances = new ArrayList<>();

	@BeforeEach
	void start() {
		this.redis = PrivateRedis.start();
	}

	@AfterEach
	void stop() {
		this.instances.forEach(Instance::close);
		this.redis.close();
	}

	@Test
	void twoInstancesFloodingOneKeyNeverAdmitMoreThanTheLimitAndShareIt() throws Exception {
		Instance first = instance();
		Instance second = instance();
		ExecutorService callers = Executors.newFixedThreadPool(8);
		try {
			CountDownLatch go = new CountDownLatch(1);
			List<Future<long[]>> floods = new ArrayList<>();
			for (int i = 0; i < 8; i++) {
				Instance instance = (i % 2 == 0) ? first : second;
				floods.add(callers.submit(() -> {
					go.await();
					long admitted = 0;
					for (int request = 0; request < 1_000; request++) {
						if (instance.limiter.acquire(this.hourly, "api", 1, AcquireMode.ACQUIRE).allowed()) {
							admitted++;
						}
					}
					return new long[] { admitted };
				}));
			}
			go.countDown();
			long admitted = 0;
			for (Future<long[]> flood : floods) {
				admitted += flood.get(60, TimeUnit.SECONDS)[0];
			}
			assertThat(admitted).as("8,000 requests against 2,000 an hour").isBetween(1_800L, 2_000L);
			long[] firstCounts = first.leases.counts("hourly");
			long[] secondCounts = second.leases.counts("hourly");
			assertThat(firstCounts[1] + secondCounts[1]).as("decisions served without Redis").isGreaterThan(4_000);
			assertThat(firstCounts[2] + secondCounts[2]).as("Redis calls for 8,000 decisions").isLessThan(800);
		}
		finally {
			callers.shutdownNow();
		}
	}

	@Test
	void oneInstanceNeverLeasesMoreThanAQuarterOfWhatIsLeftSoAnotherStillGetsPermits() {
		Instance first = instance();
		Instance second = instance();
		for (int i = 0; i < 1_200; i++) {
			first.limiter.acquire(this.hourly, "api", 1, AcquireMode.ACQUIRE);
		}
		long inHand = inHand(first);
		long left = check(second);
		assertThat(inHand).isLessThanOrEqualTo((left + inHand) / 4 + 1);
		assertThat(second.limiter.acquire(this.hourly, "api", 1, AcquireMode.ACQUIRE).allowed()).isTrue();
	}

	@Test
	void aLeaseIsCappedByWhatTheWindowReallyHasLeftAndHeadersPromiseOnlyWhatIsInHand() {
		Instance first = instance();
		Instance second = instance();
		for (int i = 0; i < 1_400; i++) {
			second.redisLimiter.acquire(this.hourly, "api", 1, AcquireMode.ACQUIRE);
		}
		RateLimitDecision last = null;
		for (int i = 0; i < 200; i++) {
			last = first.limiter.acquire(this.hourly, "api", 1, AcquireMode.ACQUIRE);
			assertThat(inHand(first)).as("a quarter of the 600 left, at most").isLessThanOrEqualTo(150);
		}
		assertThat(last.allowed()).isTrue();
		assertThat(last.remaining()).isLessThanOrEqualTo(inHand(first));
		assertThat(first.leases.details().toString()).as("no key in the snapshot").doesNotContain("api");
	}

	@Test
	void aKeyFoundExhaustedIsRefusedHereOnlyForAMomentSoPermitsGivenBackElsewhereAreUsed() {
		java.util.concurrent.atomic.AtomicLong nanos = new java.util.concurrent.atomic.AtomicLong(-1_000_000_000_000L);
		Instance first = instance();
		Instance second = instance(nanos::get);
		for (int i = 0; i < 1_990; i++) {
			first.redisLimiter.acquire(this.hourly, "api", 1, AcquireMode.ACQUIRE);
		}
		// A clock that starts below zero, as System.nanoTime may.
		int allowed = 0;
		for (int i = 0; i < 40; i++) {
			if (second.limiter.acquire(this.hourly, "api", 1, AcquireMode.ACQUIRE).allowed()) {
				allowed++;
			}
		}
		assertThat(allowed).isEqualTo(10);
		first.redisLimiter.acquire(this.hourly, "api", 5, AcquireMode.REFUND);
		nanos.addAndGet(Duration.ofMillis(50).toNanos());
		assertThat(second.limiter.acquire(this.hourly, "api", 1, AcquireMode.ACQUIRE).allowed())
			.as("still remembered as exhausted").isFalse();
		nanos.addAndGet(Duration.ofMillis(200).toNanos());
		for (int i = 0; i < 20; i++) {
			nanos.addAndGet(Duration.ofMillis(1).toNanos());
			if (second.limiter.acquire(this.hourly, "api", 1, AcquireMode.ACQUIRE).allowed()) {
				allowed++;
			}
		}
		assertThat(allowed).as("the permits given back are used").isEqualTo(15);
	}

	@Test
	void unusedPermitsGoBackWhenTheKeyGoesIdle() {
		java.util.concurrent.atomic.AtomicLong nanos = new java.util.concurrent.atomic.AtomicLong(System.nanoTime());
		Instance first = instance(nanos::get);
		int admitted = 0;
		for (int i = 0; i < 100; i++) {
			if (first.limiter.acquire(this.hourly, "api", 1, AcquireMode.ACQUIRE).allowed()) {
				admitted++;
			}
		}
		assertThat(inHand(first)).isPositive();
		nanos.addAndGet(Duration.ofSeconds(2).toNanos());
		first.leases.evictIdle();
		Instance observer = instance();
		long used = admitted;
		org.awaitility.Awaitility.await()
			.atMost(Duration.ofSeconds(10))
			.until(() -> check(observer) == 2_000 - used - 1);
	}

	@Test
	void permitsCloseToTheirWindowsEndAreNotGivenBackSinceTheRefundCouldLandInTheNextWindow() {
		RateLimitPolicy minute = RateLimitPolicy.of("minute", RateLimitAlgorithm.FIXED_WINDOW,
				RateLimit.of(100_000, Duration.ofMinutes(1)));
		for (long beforeEnd : new long[] { 300, 5_000 }) {
			java.util.concurrent.atomic.AtomicLong nanos = new java.util.concurrent.atomic.AtomicLong(System.nanoTime());
			Instance leasing = instance(nanos::get);
			for (int i = 0; i < 100; i++) {
				leasing.limiter.acquire(minute, "edge-" + beforeEnd, 1, AcquireMode.ACQUIRE);
			}
			RateLimitDecision seen = leasing.redisLimiter.acquire(minute, "edge-" + beforeEnd, 1, AcquireMode.CHECK);
			if (seen.resetNanos() < Duration.ofMillis(beforeEnd + 1_000).toNanos()) {
				// The real window ends too soon for this case: the next one would do.
				continue;
			}
			// Just before the window's end as this instance counts it, by less than a refund
			// can take (twice the 300 ms timeout, plus slack), or by more.
			nanos.addAndGet(seen.resetNanos() - Duration.ofMillis(beforeEnd).toNanos());
			long remainingBefore = seen.remaining();
			leasing.close();
			long remainingAfter = leasing.redisLimiter.acquire(minute, "edge-" + beforeEnd, 1, AcquireMode.CHECK)
				.remaining();
			if (beforeEnd < 700) {
				// (A refill under way at the check may take some more, never give any back.)
				assertThat(remainingAfter).as("nothing given back %d ms before the end", beforeEnd)
					.isLessThanOrEqualTo(remainingBefore);
			}
			else {
				assertThat(remainingAfter).as("given back %d ms before the end", beforeEnd)
					.isGreaterThan(remainingBefore);
			}
		}
	}

	@Test
	void unusedPermitsGoBackWhenTheInstanceStops() {
		Instance first = instance();
		int admitted = 0;
		for (int i = 0; i < 100; i++) {
			if (first.limiter.acquire(this.hourly, "api", 1, AcquireMode.ACQUIRE).allowed()) {
				admitted++;
			}
		}
		assertThat(inHand(first)).isPositive();
		Instance observer = instance();
		assertThat(check(observer)).as("what the leases hold is taken").isLessThan(2_000 - admitted - 1);
		first.close();
		// A check answers what would remain after one more permit; a refill that landed
		// during the close goes back without being waited for.
		long used = admitted;
		org.awaitility.Awaitility.await()
			.atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(check(observer)).as("only what was used stays taken")
				.isEqualTo(2_000 - used - 1));
	}

	@Test
	void aKeyThatCoolsDownGoesBackToExactDecisionsAndGivesItsLeaseBack() {
		java.util.concurrent.atomic.AtomicLong nanos = new java.util.concurrent.atomic.AtomicLong(System.nanoTime());
		Instance first = instance(nanos::get);
		for (int i = 0; i < 100; i++) {
			first.limiter.acquire(this.hourly, "api", 1, AcquireMode.ACQUIRE);
		}
		assertThat(inHand(first)).isPositive();
		// Then one request every quarter of a second: 4 a second, under the 20 of a hot key.
		long[] before = first.leases.counts("hourly");
		for (int i = 0; i < 3; i++) {
			nanos.addAndGet(Duration.ofMillis(250).toNanos());
			assertThat(first.limiter.acquire(this.hourly, "api", 1, AcquireMode.ACQUIRE).allowed()).isTrue();
		}
		long[] after = first.leases.counts("hourly");
		// (A refill started during the flood may still land and count its own call.)
		assertThat(after[0] - before[0]).isEqualTo(3);
		assertThat(after[1] - before[1]).as("none of them from a lease").isZero();
		assertThat(after[2] - before[2]).as("a Redis call each").isGreaterThanOrEqualTo(3);
		assertThat(inHand(first)).isZero();
	}

	@Test
	void leasesInHandKeepServingWhileRedisIsDownThenTheFailModeDecides() {
		Instance first = instance();
		for (int i = 0; i < 200; i++) {
			first.limiter.acquire(this.hourly, "api", 1, AcquireMode.ACQUIRE);
		}
		long inHand = inHand(first);
		assertThat(inHand).isPositive();
		this.redis.server().stop();
		int fromLease = 0;
		RateLimitDecision decision;
		do {
			decision = first.limiter.acquire(this.hourly, "api", 1, AcquireMode.ACQUIRE);
			if (decision.source() == RateLimitDecision.Source.BACKEND) {
				assertThat(decision.allowed()).isTrue();
				fromLease++;
			}
		}
		while (decision.source() == RateLimitDecision.Source.BACKEND && fromLease <= 2_000);
		// At least what was in hand (a refill may have landed since it was read).
		assertThat(fromLease).isGreaterThanOrEqualTo((int) inHand).isLessThan(2_000);
		assertThat(decision.source()).isEqualTo(RateLimitDecision.Source.FALLBACK);
	}

	private long inHand(Instance instance) {
		Object rules = instance.leases.details().get("leasedKeys");
		Object rule = ((java.util.Map<?, ?>) rules).get("hourly");
		return (rule != null) ? ((Number) ((java.util.Map<?, ?>) rule).get("permitsInHand")).longValue() : 0;
	}

	private long check(Instance instance) {
		return instance.redisLimiter.acquire(this.hourly, "api", 1, AcquireMode.CHECK).remaining();
	}

	private Instance instance() {
		return instance(System::nanoTime);
	}

	private Instance instance(java.util.function.LongSupplier nanoTime) {
		RedisRateLimiter redisLimiter = new RedisRateLimiter(
				TestGuards.withBreaker(this.redis.connectionFactory(), Duration.ofMillis(300), Duration.ofMillis(500)),
				new RedisKeys("leases-tests:"));
		ExecutorService refills = Executors.newSingleThreadExecutor();
		RateLimitLeases leases = new RateLimitLeases(redisLimiter, (policy) -> true, nanoTime, refills, 1_000);
		FailoverRateLimiter limiter = new FailoverRateLimiter(redisLimiter, FailMode.LOCAL,
				new MemoryRateLimiter(1_000, MonotonicClock.system()), () -> 2, leases);
		Instance instance = new Instance(limiter, leases, redisLimiter, refills);
		this.instances.add(instance);
		return instance;
	}

	private record Instance(FailoverRateLimiter limiter, RateLimitLeases leases, RedisRateLimiter redisLimiter,
			ExecutorService refills) {

		void close() {
			this.leases.close();
			this.refills.shutdownNow();
		}

	}

}
