package dev.scalability.ratelimit;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import dev.scalability.test.time.ManualClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every backend must do, written once: the memory backend and the Redis backend each
 * run this suite, with the same hand-moved clock.
 */
public abstract class RateLimiterBehaviourTests {

	protected final ManualClock clock = new ManualClock();

	private RateLimiter limiter;

	private String rule;

	/**
	 * The backend under test, on {@link #clock}.
	 * @return the limiter
	 */
	protected abstract RateLimiter limiter();

	@BeforeEach
	void prepare() {
		this.limiter = limiter();
		this.rule = "rule-" + UUID.randomUUID();
	}

	private RateLimitPolicy policy(RateLimitAlgorithm algorithm, RateLimit... limits) {
		return RateLimitPolicy.of(this.rule, algorithm, limits);
	}

	private RateLimitDecision acquire(RateLimitPolicy policy, String key) {
		return this.limiter.acquire(policy, key, 1, AcquireMode.ACQUIRE);
	}

	private int acquireAll(RateLimitPolicy policy, String key, int attempts) {
		int allowed = 0;
		for (int i = 0; i < attempts; i++) {
			if (acquire(policy, key).allowed()) {
				allowed++;
			}
		}
		return allowed;
	}

	@Test
	void tokenBucketAllowsItsCapacityAtOnceThenOnePerInterval() {
		RateLimitPolicy policy = policy(RateLimitAlgorithm.TOKEN_BUCKET, RateLimit.of(10, Duration.ofSeconds(1)));
		assertThat(acquireAll(policy, "a", 10)).isEqualTo(10);
		RateLimitDecision refused = acquire(policy, "a");
		assertThat(refused.allowed()).isFalse();
		assertThat(refused.remaining()).isZero();
		assertThat(refused.retryAfter()).isEqualTo(Duration.ofMillis(100));
		this.clock.advance(Duration.ofMillis(99));
		assertThat(acquire(policy, "a").allowed()).isFalse();
		this.clock.advance(Duration.ofMillis(1));
		assertThat(acquire(policy, "a").allowed()).isTrue();
		assertThat(acquire(policy, "a").allowed()).isFalse();
	}

	@Test
	void tokenBucketRefillsNoMoreThanItsCapacity() {
		RateLimitPolicy policy = policy(RateLimitAlgorithm.TOKEN_BUCKET, RateLimit.of(5, Duration.ofSeconds(1)));
		assertThat(acquireAll(policy, "a", 5)).isEqualTo(5);
		this.clock.advance(Duration.ofMinutes(10));
		assertThat(acquireAll(policy, "a", 8)).isEqualTo(5);
	}

	@Test
	void tokenBucketBurstAddsCapacityButNotRate() {
		RateLimitPolicy policy = policy(RateLimitAlgorithm.TOKEN_BUCKET, new RateLimit(10, Duration.ofSeconds(1), 5));
		RateLimitDecision first = acquire(policy, "a");
		assertThat(first.remaining()).isEqualTo(14);
		assertThat(acquireAll(policy, "a", 20)).isEqualTo(14);
		this.clock.advance(Duration.ofMillis(500));
		assertThat(acquireAll(policy, "a", 10)).isEqualTo(5);
	}

	@Test
	void tokenBucketReportsTheTimeUntilItsNextPermit() {
		RateLimitPolicy policy = policy(RateLimitAlgorithm.TOKEN_BUCKET, RateLimit.of(10, Duration.ofSeconds(10)));
		acquireAll(policy, "a", 3);
		RateLimitDecision decision = acquire(policy, "a");
		assertThat(decision.remaining()).isEqualTo(6);
		// One permit comes back each second: the seventh is a second away, not the bucket's
		// whole four seconds.
		assertThat(decision.reset()).isEqualTo(Duration.ofSeconds(1));
		this.clock.advance(Duration.ofMillis(400));
		assertThat(this.limiter.acquire(policy, "a", 1, AcquireMode.CHECK).reset())
			.isEqualTo(Duration.ofMillis(600));
	}

	@ParameterizedTest
	@EnumSource(RateLimitAlgorithm.class)
	void aRefusalSaysMorePermitsComeWhenTheRequestWouldPass(RateLimitAlgorithm algorithm) {
		RateLimitPolicy policy = policy(algorithm, RateLimit.of(10, Duration.ofMinutes(1)));
		this.clock.advance(Duration.ofSeconds(15));
		acquireAll(policy, "a", 10);
		RateLimitDecision refused = acquire(policy, "a");
		assertThat(refused.allowed()).isFalse();
		assertThat(refused.remaining()).isZero();
		assertThat(refused.reset()).isPositive().isEqualTo(refused.retryAfter());
	}

	@ParameterizedTest
	@EnumSource(RateLimitAlgorithm.class)
	void aClockSteppingBackNeitherResetsAKeyNorBlocksItLongerThanItsWindow(RateLimitAlgorithm algorithm) {
		RateLimitPolicy policy = policy(algorithm, RateLimit.of(5, Duration.ofMinutes(1)));
		assertThat(acquireAll(policy, "a", 6)).isEqualTo(5);
		this.clock.stepBack(Duration.ofHours(1));
		RateLimitDecision refused = acquire(policy, "a");
		assertThat(refused.allowed()).as("the count taken later still holds").isFalse();
		assertThat(refused.retryAfter()).isLessThanOrEqualTo(Duration.ofMinutes(2));
		this.clock.advance(Duration.ofMinutes(2));
		assertThat(acquireAll(policy, "a", 6)).as("the key is free after its window, not after the hour").isEqualTo(5);
	}

	@Test
	void aClockSteppingBackDoesNotLengthenAPenalty() {
		RateLimitPolicy policy = new RateLimitPolicy(this.rule, RateLimitAlgorithm.FIXED_WINDOW,
				List.of(RateLimit.of(1, Duration.ofSeconds(10))), new Penalty(1, Duration.ofMinutes(1), Duration.ofMinutes(2)));
		acquire(policy, "a");
		assertThat(acquire(policy, "a").retryAfter()).isEqualTo(Duration.ofMinutes(1));
		this.clock.stepBack(Duration.ofHours(1));
		assertThat(acquire(policy, "a").retryAfter()).isLessThanOrEqualTo(Duration.ofMinutes(2));
		this.clock.advance(Duration.ofMinutes(2));
		assertThat(acquire(policy, "a").allowed()).isTrue();
	}

	@Test
	void fixedWindowResetsExactlyAtTheWindowEdge() {
		RateLimitPolicy policy = policy(RateLimitAlgorithm.FIXED_WINDOW, RateLimit.of(3, Duration.ofMinutes(1)));
		this.clock.advance(Duration.ofSeconds(20));
		assertThat(acquireAll(policy, "a", 5)).isEqualTo(3);
		RateLimitDecision refused = acquire(policy, "a");
		assertThat(refused.retryAfter()).isEqualTo(Duration.ofSeconds(40));
		assertThat(refused.retryAfterSeconds()).isEqualTo(40);
		this.clock.advance(Duration.ofSeconds(40).minusNanos(1_000));
		assertThat(acquire(policy, "a").allowed()).isFalse();
		this.clock.advance(Duration.ofNanos(1_000));
		assertThat(acquireAll(policy, "a", 5)).isEqualTo(3);
	}

	@Test
	void slidingWindowWeighsThePreviousWindowByItsOverlap() {
		RateLimitPolicy policy = policy(RateLimitAlgorithm.SLIDING_WINDOW, RateLimit.of(10, Duration.ofSeconds(1)));
		assertThat(acquireAll(policy, "a", 12)).isEqualTo(10);
		// At the next window's start the previous one still counts whole.
		this.clock.advance(Duration.ofSeconds(1));
		RateLimitDecision atEdge = acquire(policy, "a");
		assertThat(atEdge.allowed()).isFalse();
		// Halfway through, half of it counts: five more fit.
		this.clock.advance(Duration.ofMillis(500));
		assertThat(acquireAll(policy, "a", 8)).isEqualTo(5);
	}

	@Test
	void slidingWindowRetryAfterIsWhenTheEstimateHasRoom() {
		RateLimitPolicy policy = policy(RateLimitAlgorithm.SLIDING_WINDOW, RateLimit.of(10, Duration.ofSeconds(1)));
		acquireAll(policy, "a", 10);
		this.clock.advance(Duration.ofSeconds(1));
		RateLimitDecision refused = acquire(policy, "a");
		assertThat(refused.retryAfter()).isEqualTo(Duration.ofMillis(100));
		this.clock.advance(Duration.ofMillis(99));
		assertThat(acquire(policy, "a").allowed()).isFalse();
		this.clock.advance(Duration.ofMillis(1));
		assertThat(acquire(policy, "a").allowed()).isTrue();
	}

	@Test
	void slidingWindowForgetsWindowsOlderThanThePreviousOne() {
		RateLimitPolicy policy = policy(RateLimitAlgorithm.SLIDING_WINDOW, RateLimit.of(4, Duration.ofSeconds(1)));
		acquireAll(policy, "a", 4);
		this.clock.advance(Duration.ofSeconds(2));
		assertThat(acquireAll(policy, "a", 6)).isEqualTo(4);
	}

	@Test
	void severalLimitsAreCheckedTogetherAndTheTighterOneBinds() {
		RateLimitPolicy policy = policy(RateLimitAlgorithm.FIXED_WINDOW, RateLimit.of(3, Duration.ofSeconds(1)),
				RateLimit.of(5, Duration.ofMinutes(1)));
		assertThat(acquireAll(policy, "a", 4)).isEqualTo(3);
		RateLimitDecision refusedBySecond = acquire(policy, "a");
		assertThat(refusedBySecond.limitIndex()).isZero();
		this.clock.advance(Duration.ofSeconds(1));
		RateLimitDecision allowed = acquire(policy, "a");
		assertThat(allowed.allowed()).isTrue();
		assertThat(allowed.limitIndex()).isOne();
		assertThat(allowed.remaining()).isOne();
		assertThat(acquireAll(policy, "a", 3)).isEqualTo(1);
		RateLimitDecision refusedByMinute = acquire(policy, "a");
		assertThat(refusedByMinute.limitIndex()).isOne();
		assertThat(refusedByMinute.retryAfter()).isEqualTo(Duration.ofSeconds(59));
	}

	@Test
	void aRefusalByOneLimitConsumesNothingFromTheOthers() {
		RateLimitPolicy policy = policy(RateLimitAlgorithm.FIXED_WINDOW, RateLimit.of(2, Duration.ofSeconds(1)),
				RateLimit.of(10, Duration.ofMinutes(1)));
		acquireAll(policy, "a", 50);
		this.clock.advance(Duration.ofSeconds(1));
		RateLimitDecision decision = acquire(policy, "a");
		assertThat(decision.allowed()).isTrue();
		assertThat(decision.limitIndex()).isZero();
		assertThat(decision.remaining()).isOne();
		assertThat(acquireAll(policy, "a", 1)).isOne();
		this.clock.advance(Duration.ofSeconds(1));
		RateLimitDecision third = acquire(policy, "a");
		assertThat(third.allowed()).isTrue();
		assertThat(third.limitIndex()).isZero();
	}

	@Test
	void keysAndRulesAreCountedApart() {
		RateLimitPolicy policy = policy(RateLimitAlgorithm.FIXED_WINDOW, RateLimit.of(2, Duration.ofMinutes(1)));
		RateLimitPolicy other = RateLimitPolicy.of(this.rule + "-other", RateLimitAlgorithm.FIXED_WINDOW,
				RateLimit.of(2, Duration.ofMinutes(1)));
		assertThat(acquireAll(policy, "a", 3)).isEqualTo(2);
		assertThat(acquireAll(policy, "b", 3)).isEqualTo(2);
		assertThat(acquireAll(other, "a", 3)).isEqualTo(2);
	}

	@Test
	void severalPermitsAreTakenTogetherOrNotAtAll() {
		RateLimitPolicy policy = policy(RateLimitAlgorithm.TOKEN_BUCKET, RateLimit.of(10, Duration.ofSeconds(10)));
		assertThat(this.limiter.acquire(policy, "a", 7, AcquireMode.ACQUIRE).remaining()).isEqualTo(3);
		RateLimitDecision refused = this.limiter.acquire(policy, "a", 5, AcquireMode.ACQUIRE);
		assertThat(refused.allowed()).isFalse();
		assertThat(refused.remaining()).isEqualTo(3);
		assertThat(refused.retryAfter()).isEqualTo(Duration.ofSeconds(2));
		assertThat(this.limiter.acquire(policy, "a", 3, AcquireMode.ACQUIRE).allowed()).isTrue();
	}

	@Test
	void checkTakesNothing() {
		RateLimitPolicy policy = policy(RateLimitAlgorithm.FIXED_WINDOW, RateLimit.of(2, Duration.ofMinutes(1)));
		for (int i = 0; i < 5; i++) {
			assertThat(this.limiter.acquire(policy, "a", 1, AcquireMode.CHECK).allowed()).isTrue();
		}
		assertThat(acquireAll(policy, "a", 3)).isEqualTo(2);
		assertThat(this.limiter.acquire(policy, "a", 1, AcquireMode.CHECK).allowed()).isFalse();
	}

	@ParameterizedTest
	@EnumSource(RateLimitAlgorithm.class)
	void aRefundGivesBackWhatWasTaken(RateLimitAlgorithm algorithm) {
		RateLimitPolicy policy = policy(algorithm, RateLimit.of(3, Duration.ofMinutes(1)));
		assertThat(acquireAll(policy, "a", 3)).isEqualTo(3);
		this.limiter.acquire(policy, "a", 1, AcquireMode.REFUND);
		this.limiter.acquire(policy, "a", 1, AcquireMode.REFUND);
		assertThat(acquireAll(policy, "a", 3)).isEqualTo(2);
	}

	@ParameterizedTest
	@EnumSource(RateLimitAlgorithm.class)
	void aRefundNeverGivesMoreThanTheCapacity(RateLimitAlgorithm algorithm) {
		RateLimitPolicy policy = policy(algorithm, RateLimit.of(3, Duration.ofMinutes(1)));
		acquire(policy, "a");
		for (int i = 0; i < 5; i++) {
			this.limiter.acquire(policy, "a", 1, AcquireMode.REFUND);
		}
		assertThat(acquireAll(policy, "a", 5)).isEqualTo(3);
	}

	@Test
	void aRefundAfterTheWindowRolledCountsInThePreviousWindow() {
		RateLimitPolicy policy = policy(RateLimitAlgorithm.SLIDING_WINDOW, RateLimit.of(4, Duration.ofSeconds(1)));
		assertThat(acquireAll(policy, "a", 4)).isEqualTo(4);
		this.clock.advance(Duration.ofMillis(1500));
		// Half of the previous window's 4 still counts: 2 fit, or 3 after giving two back.
		this.limiter.acquire(policy, "a", 1, AcquireMode.REFUND);
		this.limiter.acquire(policy, "a", 1, AcquireMode.REFUND);
		assertThat(acquireAll(policy, "a", 5)).isEqualTo(3);
	}

	@Test
	void aRefundIsNoViolation() {
		RateLimitPolicy policy = new RateLimitPolicy(this.rule, RateLimitAlgorithm.FIXED_WINDOW,
				List.of(RateLimit.of(1, Duration.ofSeconds(10))), new Penalty(1, Duration.ofMinutes(1), Duration.ofMinutes(1)));
		for (int i = 0; i < 3; i++) {
			this.limiter.acquire(policy, "a", 1, AcquireMode.REFUND);
		}
		assertThat(acquire(policy, "a").allowed()).isTrue();
	}

	@Test
	void severalTokenBucketsAreCheckedTogether() {
		RateLimitPolicy policy = policy(RateLimitAlgorithm.TOKEN_BUCKET, RateLimit.of(1, Duration.ofSeconds(1)),
				RateLimit.of(3, Duration.ofMinutes(1)));
		assertThat(acquire(policy, "a").allowed()).isTrue();
		RateLimitDecision refusedBySecond = acquire(policy, "a");
		assertThat(refusedBySecond.allowed()).isFalse();
		assertThat(refusedBySecond.limitIndex()).isZero();
		this.clock.advance(Duration.ofSeconds(1));
		assertThat(acquire(policy, "a").allowed()).isTrue();
		this.clock.advance(Duration.ofSeconds(1));
		assertThat(acquire(policy, "a").allowed()).isTrue();
		this.clock.advance(Duration.ofSeconds(1));
		RateLimitDecision refusedByMinute = acquire(policy, "a");
		assertThat(refusedByMinute.allowed()).isFalse();
		assertThat(refusedByMinute.limitIndex()).isOne();
		assertThat(refusedByMinute.retryAfter()).isEqualTo(Duration.ofSeconds(17));
	}

	@Test
	void aTokenBucketWithAPenaltyBlocksToo() {
		RateLimitPolicy policy = new RateLimitPolicy(this.rule, RateLimitAlgorithm.TOKEN_BUCKET,
				List.of(RateLimit.of(2, Duration.ofSeconds(10))), new Penalty(2, Duration.ofMinutes(1), Duration.ofMinutes(8)));
		assertThat(acquireAll(policy, "a", 2)).isEqualTo(2);
		assertThat(acquire(policy, "a").retryAfter()).isEqualTo(Duration.ofSeconds(5));
		RateLimitDecision blocked = acquire(policy, "a");
		assertThat(blocked.retryAfter()).isEqualTo(Duration.ofMinutes(1));
		this.clock.advance(Duration.ofSeconds(30));
		assertThat(this.limiter.acquire(policy, "a", 1, AcquireMode.CHECK).retryAfter()).isEqualTo(Duration.ofSeconds(30));
	}

	@Test
	void slidingWindowRetryAfterWaitsForTheNextWindowWhenTheCurrentOneIsFull() {
		RateLimitPolicy policy = policy(RateLimitAlgorithm.SLIDING_WINDOW, RateLimit.of(4, Duration.ofSeconds(1)));
		this.clock.advance(Duration.ofMillis(200));
		assertThat(this.limiter.acquire(policy, "a", 4, AcquireMode.ACQUIRE).allowed()).isTrue();
		RateLimitDecision refused = this.limiter.acquire(policy, "a", 2, AcquireMode.ACQUIRE);
		// Next window, where the 4 weigh 4 * (1 - f): 2 fit once f reaches 1/2.
		assertThat(refused.retryAfter()).isEqualTo(Duration.ofMillis(800 + 500));
		this.clock.advance(Duration.ofMillis(1299));
		assertThat(this.limiter.acquire(policy, "a", 2, AcquireMode.CHECK).allowed()).isFalse();
		this.clock.advance(Duration.ofMillis(1));
		assertThat(this.limiter.acquire(policy, "a", 2, AcquireMode.ACQUIRE).allowed()).isTrue();
	}

	@Test
	void aRateThatIsNoWholeNumberOfMicrosecondsIsRoundedDownNeverUp() {
		RateLimitPolicy policy = policy(RateLimitAlgorithm.TOKEN_BUCKET, RateLimit.of(600_000, Duration.ofSeconds(1)));
		this.limiter.acquire(policy, "a", 600_000, AcquireMode.ACQUIRE);
		this.clock.advance(Duration.ofMillis(10));
		// 10 ms refill 5,000 permits at one per 2 µs (1.67 µs rounded up), not 6,000 nor 10,000.
		assertThat(this.limiter.acquire(policy, "a", 5_000, AcquireMode.ACQUIRE).allowed()).isTrue();
		assertThat(acquire(policy, "a").allowed()).isFalse();
	}

	@Test
	void penaltyBlocksARepeatViolatorAndDoublesUpToTheMaximum() {
		RateLimitPolicy policy = new RateLimitPolicy(this.rule, RateLimitAlgorithm.FIXED_WINDOW,
				List.of(RateLimit.of(1, Duration.ofSeconds(10))),
				new Penalty(2, Duration.ofMinutes(1), Duration.ofMinutes(3)));
		assertThat(acquire(policy, "a").allowed()).isTrue();
		assertThat(acquire(policy, "a").retryAfter()).isEqualTo(Duration.ofSeconds(10));
		RateLimitDecision blocked = acquire(policy, "a");
		assertThat(blocked.allowed()).isFalse();
		assertThat(blocked.retryAfter()).isEqualTo(Duration.ofMinutes(1));
		// Still blocked after the window, until the block ends.
		this.clock.advance(Duration.ofSeconds(59));
		assertThat(acquire(policy, "a").retryAfter()).isEqualTo(Duration.ofSeconds(1));
		this.clock.advance(Duration.ofSeconds(1));
		assertThat(acquire(policy, "a").allowed()).isTrue();
		acquire(policy, "a");
		assertThat(acquire(policy, "a").retryAfter()).isEqualTo(Duration.ofMinutes(2));
		this.clock.advance(Duration.ofMinutes(2));
		acquire(policy, "a");
		acquire(policy, "a");
		assertThat(acquire(policy, "a").retryAfter()).isEqualTo(Duration.ofMinutes(3));
		this.clock.advance(Duration.ofMinutes(3));
		acquire(policy, "a");
		acquire(policy, "a");
		assertThat(acquire(policy, "a").retryAfter()).as("capped at max-block").isEqualTo(Duration.ofMinutes(3));
	}

	@Test
	void penaltyStartsOverAfterAQuietMaxBlock() {
		RateLimitPolicy policy = new RateLimitPolicy(this.rule, RateLimitAlgorithm.FIXED_WINDOW,
				List.of(RateLimit.of(1, Duration.ofSeconds(10))),
				new Penalty(1, Duration.ofMinutes(1), Duration.ofMinutes(4)));
		acquire(policy, "a");
		assertThat(acquire(policy, "a").retryAfter()).isEqualTo(Duration.ofMinutes(1));
		this.clock.advance(Duration.ofMinutes(1).plusMinutes(4).plusSeconds(1));
		acquire(policy, "a");
		assertThat(acquire(policy, "a").retryAfter()).isEqualTo(Duration.ofMinutes(1));
	}

}
