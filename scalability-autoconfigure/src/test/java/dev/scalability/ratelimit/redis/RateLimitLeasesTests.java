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
		// Refills on the caller's thread and a clock that stands still: what is in hand and
		// what is left are read with no refill landing in between.
		java.util.concurrent.atomic.AtomicLong micros = new java.util.concurrent.atomic.AtomicLong(1_700_000_000_000_000L);
		Instance first = instance(() -> micros.get() * 1_000, micros::get, true);
		Instance second = instance(() -> micros.get() * 1_000, micros::get, true);
		for (int i = 0; i < 1_200; i++) {
			first.limiter.acquire(this.hourly, "api", 1, AcquireMode.ACQUIRE);
		}
		long inHand = inHand(first);
		long left = check(second);
		// The last lease is at most a quarter of what was left; what remains of the one
		// before it (refilled at a quarter left) at most a quarter of that.
		assertThat(inHand).isLessThanOrEqualTo((left + inHand) * 5 / 16 + 1);
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
	void stoppingWithRedisFrozenWaitsForAllKeysTogetherNotForEachKeyInTurn() {
		Duration timeout = Duration.ofMillis(300);
		RedisRateLimiter redisLimiter = new RedisRateLimiter(
				TestGuards.bounded(this.redis.connectionFactory(), timeout), new RedisKeys("leases-tests:"), null);
		ExecutorService refills = Executors.newSingleThreadExecutor();
		RateLimitLeases leases = new RateLimitLeases(redisLimiter, (policy) -> true, System::nanoTime, refills, 1_000);
		FailoverRateLimiter limiter = new FailoverRateLimiter(redisLimiter, FailMode.LOCAL,
				new MemoryRateLimiter(1_000, MonotonicClock.system()), () -> 2, leases);
		Instance instance = new Instance(limiter, leases, redisLimiter, refills);
		this.instances.add(instance);
		int keys = 20;
		for (int key = 0; key < keys; key++) {
			for (int i = 0; i < 50; i++) {
				limiter.acquire(this.hourly, "api-" + key, 1, AcquireMode.ACQUIRE);
			}
		}
		assertThat(inHand(instance)).isPositive();
		this.redis.server().freeze();
		try {
			long started = System.nanoTime();
			leases.close();
			// One by one, each waited for, the keys would hold the stop for 20 timeouts (6 s).
			assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(timeout.multipliedBy(keys / 4));
		}
		finally {
			this.redis.server().thaw();
		}
	}

	@Test
	void stoppingGivesBackThePermitsOfMoreKeysThanBackgroundCallsMayBeUnderWayAtOnce() {
		Instance first = instance();
		int keys = 700;
		for (int key = 0; key < keys; key++) {
			for (int i = 0; i < 3; i++) {
				assertThat(first.limiter.acquire(this.hourly, "api-" + key, 1, AcquireMode.ACQUIRE).allowed()).isTrue();
			}
		}
		assertThat(inHand(first)).as("leased").isGreaterThanOrEqualTo(keys);
		this.redis.server().debugSleep(Duration.ofMillis(100));
		first.close();
		assertThat(first.redisLimiter.details()).containsEntry("refundsLost", 0L);
		Instance observer = instance();
		for (int key = 0; key < keys; key++) {
			assertThat(observer.redisLimiter.acquire(this.hourly, "api-" + key, 1, AcquireMode.CHECK).remaining())
				.as("only what was used stays taken, key " + key)
				.isEqualTo(2_000 - 3 - 1);
		}
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

	@Test
	void twoInstancesFloodingATokenBucketNeverUseMoreThanItsCapacityPlusItsRateOverAnySpan() throws Exception {
		// 2,000 a second, a bucket of 2,000: in any span of s seconds, at most 2,000 + 2,000 s.
		RateLimitPolicy bucket = RateLimitPolicy.of("bucket", RateLimitAlgorithm.TOKEN_BUCKET,
				RateLimit.of(2_000, Duration.ofSeconds(1)));
		Instance first = instance();
		Instance second = instance();
		ExecutorService callers = Executors.newFixedThreadPool(8);
		java.util.concurrent.ConcurrentLinkedQueue<Long> admittedAt = new java.util.concurrent.ConcurrentLinkedQueue<>();
		long start = System.nanoTime();
		long floodNanos = Duration.ofMillis(2_500).toNanos();
		try {
			CountDownLatch go = new CountDownLatch(1);
			List<Future<?>> floods = new ArrayList<>();
			for (int i = 0; i < 8; i++) {
				Instance instance = (i % 2 == 0) ? first : second;
				floods.add(callers.submit(() -> {
					go.await();
					while (System.nanoTime() - start < floodNanos) {
						if (instance.limiter.acquire(bucket, "api", 1, AcquireMode.ACQUIRE).allowed()) {
							admittedAt.add(System.nanoTime());
						}
					}
					return null;
				}));
			}
			go.countDown();
			for (Future<?> flood : floods) {
				flood.get(60, TimeUnit.SECONDS);
			}
		}
		finally {
			callers.shutdownNow();
		}
		long[] times = admittedAt.stream().mapToLong(Long::longValue).sorted().toArray();
		// An exact decision is used when its answer arrives, a little after Redis counted it:
		// spans are allowed that much more (a round trip on a loaded machine).
		long slackNanos = Duration.ofMillis(50).toNanos();
		for (int from = 0; from < times.length; from++) {
			for (int to = from; to < times.length; to++) {
				double allowed = 2_000 + 2_000 * (times[to] - times[from] + slackNanos) / 1e9;
				if (to - from + 1 > allowed) {
					throw new AssertionError((to - from + 1) + " admitted within " + (times[to] - times[from]) / 1_000_000
							+ " ms, more than " + (long) allowed);
				}
			}
		}
		long[] firstCounts = first.leases.counts("bucket");
		long[] secondCounts = second.leases.counts("bucket");
		assertThat(firstCounts[1] + secondCounts[1]).as("decisions served without Redis").isGreaterThan(1_000);
		// The bucket's 2,000 and 2.5 s of its rate, less what the leases hold at their end.
		assertThat(times.length).as("admitted in 2.5 s").isBetween(5_000, 7_100);
	}

	@Test
	void aTokenBucketHoldsLeasedPermitsAsUsedUntilTheLeaseEndsSoARefilledBucketIsNotTakenTwice() {
		// 1,000 a second, a bucket of 1,000: in any span of s ms, at most 1,000 + s. One
		// instance leases for 390 ms at 300 requests a second, far below the rate, so the
		// bucket keeps refilling; then another drains it while the first spends its lease.
		// Without the hold, the refilled bucket and the lease would both be taken at once.
		RateLimitPolicy bucket = RateLimitPolicy.of("bucket", RateLimitAlgorithm.TOKEN_BUCKET,
				RateLimit.of(1_000, Duration.ofSeconds(1)));
		long startMicros = 1_700_000_000_000_000L;
		java.util.concurrent.atomic.AtomicLong micros = new java.util.concurrent.atomic.AtomicLong(startMicros);
		Instance leasing = instance(() -> micros.get() * 1_000, micros::get, true);
		Instance exact = instance(() -> micros.get() * 1_000, micros::get, true);
		List<Long> admittedAt = new ArrayList<>();
		for (int step = 0; step < 39; step++) {
			for (int i = 0; i < 3; i++) {
				if (leasing.limiter.acquire(bucket, "api", 1, AcquireMode.ACQUIRE).allowed()) {
					admittedAt.add(micros.get());
				}
			}
			micros.addAndGet(10_000);
		}
		long inHand = inHand(leasing, "bucket");
		assertThat(inHand).isPositive();
		while (exact.redisLimiter.acquire(bucket, "api", 1, AcquireMode.ACQUIRE).allowed()) {
			admittedAt.add(micros.get());
		}
		long spentFromLease = 0;
		while (leasing.limiter.acquire(bucket, "api", 1, AcquireMode.ACQUIRE).allowed()) {
			admittedAt.add(micros.get());
			spentFromLease++;
		}
		assertThat(spentFromLease).as("the lease is spent").isGreaterThanOrEqualTo(inHand);
		long[] times = admittedAt.stream().mapToLong(Long::longValue).sorted().toArray();
		for (int from = 0; from < times.length; from++) {
			for (int to = from; to < times.length; to++) {
				long allowed = 1_000 + (times[to] - times[from]) / 1_000;
				assertThat(to - from + 1L).as("admitted between %d and %d ms", (times[from] - startMicros) / 1_000,
						(times[to] - startMicros) / 1_000).isLessThanOrEqualTo(allowed);
			}
		}
	}

	@Test
	void unusedPermitsOfATokenBucketGoBackOnStopUnlessAnotherDecisionChangedTheBucketSince() {
		RateLimitPolicy bucket = RateLimitPolicy.of("bucket", RateLimitAlgorithm.TOKEN_BUCKET,
				RateLimit.of(6_000, Duration.ofMinutes(1)));
		java.util.concurrent.atomic.AtomicLong micros = new java.util.concurrent.atomic.AtomicLong(1_700_000_000_000_000L);
		for (boolean touchedSince : new boolean[] { false, true }) {
			String key = "api-" + touchedSince;
			Instance leasing = instance(() -> micros.get() * 1_000, micros::get, true);
			Instance observer = instance(() -> micros.get() * 1_000, micros::get, true);
			for (int i = 0; i < 100; i++) {
				assertThat(leasing.limiter.acquire(bucket, key, 1, AcquireMode.ACQUIRE).allowed()).isTrue();
			}
			long inHand = inHand(leasing, "bucket");
			assertThat(inHand).isPositive();
			if (touchedSince) {
				observer.redisLimiter.acquire(bucket, key, 1, AcquireMode.ACQUIRE);
			}
			long before = observer.redisLimiter.acquire(bucket, key, 1, AcquireMode.CHECK).remaining();
			leasing.close();
			long after = observer.redisLimiter.acquire(bucket, key, 1, AcquireMode.CHECK).remaining();
			if (touchedSince) {
				assertThat(after).as("nothing given back").isEqualTo(before);
			}
			else {
				// All that was not used, less what the rate refills in the lease's 400 ms (40),
				// held until the lease would have ended.
				assertThat(after).as("unused permits given back").isEqualTo(before + inHand);
				assertThat(after).isGreaterThanOrEqualTo(6_000 - 100 - 40 - 1);
			}
		}
	}

	@Test
	void aDecisionServedFromABucketsLeaseIsHeldNoLongerThanTheLeaseHoldsItsPermits() {
		// A permit given back after the bucket has recovered it would be granted twice: the
		// hold of a leased permit is what its lease holds, not what in-hand counts suggest.
		RateLimitPolicy bucket = RateLimitPolicy.of("bucket", RateLimitAlgorithm.TOKEN_BUCKET,
				RateLimit.of(1_000, Duration.ofSeconds(1)));
		java.util.concurrent.atomic.AtomicLong micros = new java.util.concurrent.atomic.AtomicLong(1_700_000_000_000_000L);
		Instance leasing = instance(() -> micros.get() * 1_000, micros::get, true);
		Instance observer = instance(() -> micros.get() * 1_000, micros::get, true);
		RateLimitDecision last = null;
		for (int i = 0; i < 100; i++) {
			last = leasing.limiter.acquire(bucket, "api", 1, AcquireMode.ACQUIRE);
		}
		assertThat(inHand(leasing, "bucket")).as("the last decision came from a lease").isPositive();
		micros.addAndGet(50_000);
		last = leasing.limiter.acquire(bucket, "api", 1, AcquireMode.ACQUIRE);
		// A check's hold is the bucket's state plus the one permit it would take.
		long bucketHoldsFor = observer.redisLimiter.acquire(bucket, "api", 1, AcquireMode.CHECK).heldForNanos()
				- Duration.ofMillis(1).toNanos();
		assertThat(last.heldForNanos()).isPositive().isLessThanOrEqualTo(bucketHoldsFor);
	}

	@org.junit.jupiter.params.ParameterizedTest
	@org.junit.jupiter.params.provider.EnumSource(value = RateLimitAlgorithm.class, names = { "TOKEN_BUCKET",
			"FIXED_WINDOW" })
	void aLeaseThatDoesNotFitDecidesTheRequestsOwnPermitInTheSameCall(RateLimitAlgorithm algorithm) {
		RateLimitPolicy policy = RateLimitPolicy.of("tight", algorithm, RateLimit.of(1_000, Duration.ofSeconds(1)));
		java.util.concurrent.atomic.AtomicLong micros = new java.util.concurrent.atomic.AtomicLong(1_700_000_000_000_000L);
		Instance leasing = instance(() -> micros.get() * 1_000, micros::get, true);
		Instance exact = instance(() -> micros.get() * 1_000, micros::get, true);
		exact.redisLimiter.acquire(policy, "api", 997, AcquireMode.ACQUIRE);
		// The first is cold: exact. The second makes the key hot: a lease of 4 does not fit
		// in the 2 left (for the bucket, with its hold), the request's own permit does.
		assertThat(leasing.limiter.acquire(policy, "api", 1, AcquireMode.ACQUIRE).allowed()).isTrue();
		assertThat(leasing.limiter.acquire(policy, "api", 1, AcquireMode.ACQUIRE).allowed()).isTrue();
		assertThat(leasing.leases.counts("tight")[2]).as("Redis calls for two decisions").isEqualTo(2);
		assertThat(inHand(leasing, "tight")).isZero();
		assertThat(leasing.limiter.acquire(policy, "api", 1, AcquireMode.ACQUIRE).allowed()).isTrue();
		assertThat(leasing.limiter.acquire(policy, "api", 1, AcquireMode.ACQUIRE).allowed()).isFalse();
	}

	@Test
	void aRefusalRememberedHereSaysWhenRedisSaidMorePermitsComeNotWhenItIsAskedAgain() {
		Instance exact = instance();
		Instance leasing = instance();
		RateLimitDecision exactRefusal = null;
		for (int i = 0; i <= 2_000; i++) {
			exactRefusal = exact.redisLimiter.acquire(this.hourly, "api", 1, AcquireMode.ACQUIRE);
		}
		assertThat(exactRefusal.allowed()).isFalse();
		RateLimitDecision fromMemory = null;
		for (int i = 0; i < 10; i++) {
			fromMemory = leasing.limiter.acquire(this.hourly, "api", 1, AcquireMode.ACQUIRE);
			assertThat(fromMemory.allowed()).isFalse();
		}
		assertThat(leasing.leases.counts("hourly")[1]).as("refusals decided here").isPositive();
		assertThat(fromMemory.retryAfterNanos()).as("the window's end")
			.isGreaterThan(exactRefusal.retryAfterNanos() - Duration.ofSeconds(5).toNanos());
	}

	@Test
	void unusedPermitsOfATokenBucketGoBackWhenTheKeyGoesIdle() {
		RateLimitPolicy bucket = RateLimitPolicy.of("bucket", RateLimitAlgorithm.TOKEN_BUCKET,
				RateLimit.of(6_000, Duration.ofMinutes(1)));
		// The server's clock stands still, so that the bucket's refill does not hide what
		// goes back; this instance's clock moves past the idle second.
		java.util.concurrent.atomic.AtomicLong micros = new java.util.concurrent.atomic.AtomicLong(1_700_000_000_000_000L);
		java.util.concurrent.atomic.AtomicLong nanos = new java.util.concurrent.atomic.AtomicLong(System.nanoTime());
		Instance leasing = instance(nanos::get, micros::get, true);
		Instance observer = instance(nanos::get, micros::get, true);
		for (int i = 0; i < 100; i++) {
			assertThat(leasing.limiter.acquire(bucket, "api", 1, AcquireMode.ACQUIRE).allowed()).isTrue();
		}
		long inHand = inHand(leasing, "bucket");
		assertThat(inHand).isPositive();
		long before = observer.redisLimiter.acquire(bucket, "api", 1, AcquireMode.CHECK).remaining();
		nanos.addAndGet(Duration.ofSeconds(2).toNanos());
		leasing.leases.evictIdle();
		org.awaitility.Awaitility.await()
			.atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(observer.redisLimiter.acquire(bucket, "api", 1, AcquireMode.CHECK).remaining())
				.isEqualTo(before + inHand));
	}

	@Test
	void onlyFixedWindowsAndTokenBucketsThatFillSlowlyButRefillSeveralPermitsInALeasesLifetimeLease() {
		assertThat(RateLimitLeases.canLease(this.hourly)).isTrue();
		assertThat(RateLimitLeases.canLease(RateLimitPolicy.of("second", RateLimitAlgorithm.TOKEN_BUCKET,
				RateLimit.of(100, Duration.ofSeconds(1))))).isTrue();
		assertThat(RateLimitLeases.canLease(RateLimitPolicy.of("fast", RateLimitAlgorithm.TOKEN_BUCKET,
				RateLimit.of(100, Duration.ofMillis(500))))).as("fills in 500 ms").isFalse();
		assertThat(RateLimitLeases.canLease(RateLimitPolicy.of("per-user", RateLimitAlgorithm.TOKEN_BUCKET,
				RateLimit.of(100, Duration.ofMinutes(1))))).as("refills one permit in 600 ms").isFalse();
		assertThat(RateLimitLeases.canLease(RateLimitPolicy.of("ten", RateLimitAlgorithm.TOKEN_BUCKET,
				RateLimit.of(10, Duration.ofSeconds(1))))).as("refills 4 in a lease's 400 ms").isTrue();
		assertThat(RateLimitLeases.canLease(RateLimitPolicy.of("sliding", RateLimitAlgorithm.SLIDING_WINDOW,
				RateLimit.of(100, Duration.ofMinutes(1))))).isFalse();
		assertThat(RateLimitLeases.canLease(RateLimitPolicy.of("two", RateLimitAlgorithm.TOKEN_BUCKET,
				RateLimit.of(100, Duration.ofSeconds(1)), RateLimit.of(1_000, Duration.ofHours(1))))).isFalse();
	}

	private long inHand(Instance instance) {
		return inHand(instance, "hourly");
	}

	private long inHand(Instance instance, String ruleName) {
		Object rules = instance.leases.details().get("leasedKeys");
		Object rule = ((java.util.Map<?, ?>) rules).get(ruleName);
		return (rule != null) ? ((Number) ((java.util.Map<?, ?>) rule).get("permitsInHand")).longValue() : 0;
	}

	private long check(Instance instance) {
		return instance.redisLimiter.acquire(this.hourly, "api", 1, AcquireMode.CHECK).remaining();
	}

	private Instance instance() {
		return instance(System::nanoTime);
	}

	private Instance instance(java.util.function.LongSupplier nanoTime) {
		return instance(nanoTime, null, false);
	}

	/**
	 * @param clockMicros the server's clock, or {@code null} for its own
	 * @param inline whether refills run on the caller's thread, for tests that step time
	 */
	private Instance instance(java.util.function.LongSupplier nanoTime, java.util.function.LongSupplier clockMicros,
			boolean inline) {
		RedisRateLimiter redisLimiter = new RedisRateLimiter(
				TestGuards.withBreaker(this.redis.connectionFactory(), Duration.ofMillis(300), Duration.ofMillis(500)),
				new RedisKeys("leases-tests:"), clockMicros);
		ExecutorService refills = inline ? new InlineExecutor() : Executors.newSingleThreadExecutor();
		RateLimitLeases leases = new RateLimitLeases(redisLimiter, (policy) -> true, nanoTime, refills, 1_000);
		FailoverRateLimiter limiter = new FailoverRateLimiter(redisLimiter, FailMode.LOCAL,
				new MemoryRateLimiter(1_000, MonotonicClock.system()), () -> 2, leases);
		Instance instance = new Instance(limiter, leases, redisLimiter, refills);
		this.instances.add(instance);
		return instance;
	}

	/**
	 * Runs each task on the caller's thread.
	 */
	private static final class InlineExecutor extends java.util.concurrent.AbstractExecutorService {

		private volatile boolean shutdown;

		@Override
		public void execute(Runnable task) {
			task.run();
		}

		@Override
		public void shutdown() {
			this.shutdown = true;
		}

		@Override
		public List<Runnable> shutdownNow() {
			this.shutdown = true;
			return List.of();
		}

		@Override
		public boolean isShutdown() {
			return this.shutdown;
		}

		@Override
		public boolean isTerminated() {
			return this.shutdown;
		}

		@Override
		public boolean awaitTermination(long timeout, TimeUnit unit) {
			return true;
		}

	}

	private record Instance(FailoverRateLimiter limiter, RateLimitLeases leases, RedisRateLimiter redisLimiter,
			ExecutorService refills) {

		void close() {
			this.leases.close();
			this.refills.shutdownNow();
		}

	}

}
