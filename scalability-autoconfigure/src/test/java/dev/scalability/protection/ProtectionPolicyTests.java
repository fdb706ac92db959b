package dev.scalability.protection;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.scalability.permits.PermitLimit;
import dev.scalability.ratelimit.RateLimiterPermits;
import dev.scalability.ratelimit.memory.MemoryRateLimiter;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A policy's parts in their order: retries inside the breaker, the time limit around
 * both, the bulkhead and the rate limit outside.
 */
class ProtectionPolicyTests {

	private final CallTimer timer = new CallTimer();

	@AfterEach
	void stop() {
		this.timer.close();
	}

	@Test
	void retriesRunInsideTheBreakerSoACallThatFailsAfterItsRetriesCountsAsOneFailure() {
		CircuitBreaker breaker = breaker(4);
		ProtectionPolicy policy = ProtectionPolicy.named("payments").circuitBreaker(breaker).retry(retry(3)).build();
		AtomicInteger attempts = new AtomicInteger();
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> policy.execute(() -> {
			attempts.incrementAndGet();
			throw new IllegalStateException("bank down");
		}));
		assertThat(attempts).hasValue(3);
		assertThat(breaker.getMetrics().getNumberOfFailedCalls()).isOne();
	}

	@Test
	void aCallThatARetrySavesCountsAsASuccessForTheBreaker() throws Throwable {
		CircuitBreaker breaker = breaker(4);
		ProtectionPolicy policy = ProtectionPolicy.named("payments").circuitBreaker(breaker).retry(retry(3)).build();
		AtomicInteger attempts = new AtomicInteger();
		assertThat(policy.execute(() -> {
			if (attempts.incrementAndGet() < 2) {
				throw new IllegalStateException("blip");
			}
			return "charged";
		})).isEqualTo("charged");
		assertThat(breaker.getMetrics().getNumberOfSuccessfulCalls()).isOne();
		assertThat(breaker.getMetrics().getNumberOfFailedCalls()).isZero();
	}

	@Test
	void anOpenBreakerRefusesCallsWithoutRunningThemAndSaysWhenToComeBack() {
		CircuitBreaker breaker = breaker(2);
		ProtectionPolicy policy = ProtectionPolicy.named("payments").circuitBreaker(breaker).build();
		for (int i = 0; i < 2; i++) {
			assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> policy.execute(() -> {
				throw new IllegalStateException("bank down");
			}));
		}
		AtomicInteger ran = new AtomicInteger();
		assertThatExceptionOfType(ProtectionException.class).isThrownBy(() -> policy.execute(ran::incrementAndGet))
			.satisfies((refused) -> {
				assertThat(refused.getReason()).isEqualTo(ProtectionException.Reason.CIRCUIT_OPEN);
				assertThat(refused.getRetryAfter()).isEqualTo(Duration.ofSeconds(30));
			});
		assertThat(ran).hasValue(0);
	}

	@Test
	void aFullBulkheadRefusesTheNextCallAtOnce() throws Throwable {
		ProtectionPolicy policy = ProtectionPolicy.named("reports")
			.bulkhead(Bulkhead.of("reports", BulkheadConfig.custom().maxConcurrentCalls(1).maxWaitDuration(Duration.ZERO)
				.build()))
			.build();
		CountDownLatch release = new CountDownLatch(1);
		CompletableFuture<Object> first = holdOneCall(policy, release, "done");
		assertThatExceptionOfType(ProtectionException.class).isThrownBy(() -> policy.execute(() -> "second"))
			.extracting(ProtectionException::getReason)
			.isEqualTo(ProtectionException.Reason.BULKHEAD_FULL);
		release.countDown();
		assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("done");
		assertThat(policy.execute(() -> "third")).isEqualTo("third");
	}

	@Test
	void theTimeLimitBoundsTheWholeCallItsRetriesIncludedAndLeavesTheThreadUninterrupted() {
		AtomicInteger attempts = new AtomicInteger();
		ProtectionPolicy policy = ProtectionPolicy.named("slow")
			.timeout(Duration.ofMillis(300), this.timer)
			.circuitBreaker(breaker(10))
			.retry(retry(100))
			.build();
		long start = System.nanoTime();
		assertThatExceptionOfType(ProtectionException.class).isThrownBy(() -> policy.execute(() -> {
			attempts.incrementAndGet();
			Thread.sleep(10_000);
			return "never";
		})).extracting(ProtectionException::getReason).isEqualTo(ProtectionException.Reason.TIMED_OUT);
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
		assertThat(Thread.currentThread().isInterrupted()).isFalse();
		assertThat(policy.circuitBreaker().getMetrics().getNumberOfFailedCalls()).as("a timeout is a failure")
			.isOne();
	}

	@Test
	void aCallThatEndsInTimeIsNotInterruptedLater() throws Throwable {
		ProtectionPolicy policy = ProtectionPolicy.named("quick").timeout(Duration.ofMillis(50), this.timer).build();
		for (int i = 0; i < 100; i++) {
			assertThat(policy.execute(() -> "fast")).isEqualTo("fast");
		}
		CountDownLatch never = new CountDownLatch(1);
		assertThat(never.await(200, TimeUnit.MILLISECONDS)).as("no interrupt after the calls").isFalse();
	}

	@Test
	void theRateLimitRefusesCallsOverItBeforeTheyTakeRoomInTheBulkhead() throws Throwable {
		Bulkhead bulkhead = Bulkhead.of("limited", BulkheadConfig.custom().maxConcurrentCalls(5).build());
		ProtectionPolicy policy = ProtectionPolicy.named("limited")
			.rateLimit(new PermitLimit("protection:limited", 2, Duration.ofHours(1), 0),
					new RateLimiterPermits(new MemoryRateLimiter(1_000, System::nanoTime)))
			.bulkhead(bulkhead)
			.build();
		assertThat(policy.execute(() -> 1)).isEqualTo(1);
		assertThat(policy.execute(() -> 2)).isEqualTo(2);
		assertThatExceptionOfType(ProtectionException.class).isThrownBy(() -> policy.execute(() -> 3))
			.satisfies((refused) -> {
				assertThat(refused.getReason()).isEqualTo(ProtectionException.Reason.RATE_LIMITED);
				assertThat(refused.getRetryAfter()).isPositive();
			});
		assertThat(bulkhead.getMetrics().getAvailableConcurrentCalls()).isEqualTo(5);
	}

	@Test
	void everyCallIsReportedWithHowItEnded() throws Throwable {
		java.util.List<String> outcomes = new java.util.concurrent.CopyOnWriteArrayList<>();
		ProtectionPolicy policy = ProtectionPolicy.named("observed")
			.circuitBreaker(breaker(1))
			.observer((name, outcome, nanos) -> outcomes.add(name + ":" + outcome))
			.build();
		policy.execute(() -> "ok");
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> policy.execute(() -> {
			throw new IllegalStateException("down");
		}));
		assertThatExceptionOfType(ProtectionException.class).isThrownBy(() -> policy.execute(() -> "refused"));
		assertThat(outcomes).containsExactly("observed:success", "observed:failure", "observed:circuit_open");
	}

	@Test
	void aRetryInsideAnotherPolicyStopsAtTheOuterDeadline() {
		ProtectionPolicy outer = ProtectionPolicy.named("outer").timeout(Duration.ofMillis(200), this.timer).build();
		ProtectionPolicy inner = ProtectionPolicy.named("inner").retry(retry(1_000)).build();
		AtomicInteger attempts = new AtomicInteger();
		long start = System.nanoTime();
		assertThatExceptionOfType(ProtectionException.class).isThrownBy(() -> outer.execute(() -> inner.execute(() -> {
			attempts.incrementAndGet();
			throw new IllegalStateException("down");
		}))).extracting(ProtectionException::getReason).isEqualTo(ProtectionException.Reason.TIMED_OUT);
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
		assertThat(attempts.get()).isLessThan(1_000);
		assertThat(Thread.currentThread().isInterrupted()).isFalse();
	}

	@Test
	void noTimeoutInterruptReachesWhatTheThreadDoesAfterTheCall() throws InterruptedException {
		ProtectionPolicy policy = ProtectionPolicy.named("edge").timeout(Duration.ofMillis(1), this.timer).build();
		for (int i = 0; i < 300; i++) {
			try {
				policy.execute(() -> {
					long until = System.nanoTime() + 1_000_000;
					while (System.nanoTime() < until) {
						Thread.onSpinWait();
					}
					return "done";
				});
			}
			catch (Throwable ex) {
				assertThat(ex).isInstanceOf(ProtectionException.class);
			}
			assertThat(Thread.currentThread().isInterrupted()).as("after call " + i).isFalse();
		}
		assertThat(new CountDownLatch(0).await(1, TimeUnit.MILLISECONDS)).isTrue();
	}

	@Test
	void aCallTheBulkheadOrTheBreakerRefusesGivesItsRatePermitBack() throws Throwable {
		ProtectionPolicy policy = ProtectionPolicy.named("shared")
			.rateLimit(new PermitLimit("protection:shared", 2, Duration.ofHours(1), 0),
					new RateLimiterPermits(new MemoryRateLimiter(1_000, System::nanoTime)))
			.bulkhead(Bulkhead.of("shared", BulkheadConfig.custom().maxConcurrentCalls(1).maxWaitDuration(Duration.ZERO)
				.build()))
			.build();
		CountDownLatch release = new CountDownLatch(1);
		CompletableFuture<Object> first = holdOneCall(policy, release, "first");
		assertThatExceptionOfType(ProtectionException.class).isThrownBy(() -> policy.execute(() -> "refused"))
			.extracting(ProtectionException::getReason)
			.isEqualTo(ProtectionException.Reason.BULKHEAD_FULL);
		release.countDown();
		assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("first");
		assertThat(policy.execute(() -> "second permit")).isEqualTo("second permit");
	}

	@Test
	void anIgnoredFailureIsNotRetriedNorCountedByTheBreaker() {
		CircuitBreaker breaker = breaker(2);
		ProtectionPolicy policy = ProtectionPolicy.named("strict")
			.circuitBreaker(breaker)
			.retry(retry(3))
			.ignore(IllegalArgumentException.class::isInstance)
			.build();
		AtomicInteger attempts = new AtomicInteger();
		for (int i = 0; i < 5; i++) {
			assertThatExceptionOfType(IllegalArgumentException.class).isThrownBy(() -> policy.execute(() -> {
				attempts.incrementAndGet();
				throw new IllegalArgumentException("bad input");
			}));
		}
		assertThat(attempts).hasValue(5);
		assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
		assertThat(breaker.getMetrics().getNumberOfBufferedCalls()).isZero();
	}

	@Test
	void aResultThatComesAfterTheDeadlineIsClosed() {
		ProtectionPolicy policy = ProtectionPolicy.named("late").timeout(Duration.ofMillis(50), this.timer).build();
		java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
		assertThatExceptionOfType(ProtectionException.class).isThrownBy(() -> policy.execute(() -> {
			long until = System.nanoTime() + Duration.ofMillis(200).toNanos();
			while (System.nanoTime() < until) {
				Thread.onSpinWait();
			}
			return (AutoCloseable) () -> closed.set(true);
		}));
		assertThat(closed).isTrue();
	}

	@Test
	void anOuterPolicyKeepsItsPermitWhenAnInnerPolicyRefusesTheCall() throws Throwable {
		ProtectionPolicy inner = ProtectionPolicy.named("inner").circuitBreaker(breaker(1)).build();
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> inner.execute(() -> {
			throw new IllegalStateException("down");
		}));
		ProtectionPolicy outer = ProtectionPolicy.named("outer")
			.rateLimit(new PermitLimit("protection:outer", 2, Duration.ofHours(1), 0),
					new RateLimiterPermits(new MemoryRateLimiter(1_000, System::nanoTime)))
			.build();
		for (int i = 0; i < 2; i++) {
			assertThatExceptionOfType(ProtectionException.class).isThrownBy(() -> outer.execute(() -> inner.execute(() -> "x")))
				.extracting(ProtectionException::getReason)
				.isEqualTo(ProtectionException.Reason.CIRCUIT_OPEN);
		}
		assertThatExceptionOfType(ProtectionException.class).isThrownBy(() -> outer.execute(() -> "y"))
			.extracting(ProtectionException::getReason)
			.isEqualTo(ProtectionException.Reason.RATE_LIMITED);
	}

	/**
	 * Makes a call under the policy on another thread, and returns once it runs: it holds
	 * its place in the policy until released.
	 */
	private static CompletableFuture<Object> holdOneCall(ProtectionPolicy policy, CountDownLatch release,
			String answer) throws InterruptedException {
		CountDownLatch running = new CountDownLatch(1);
		CompletableFuture<Object> call = CompletableFuture.supplyAsync(() -> {
			try {
				return policy.execute(() -> {
					running.countDown();
					release.await();
					return answer;
				});
			}
			catch (Throwable ex) {
				throw new IllegalStateException(ex);
			}
		});
		assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
		return call;
	}

	private static CircuitBreaker breaker(int window) {
		return CircuitBreaker.of("breaker", CircuitBreakerConfig.custom()
			.slidingWindowSize(window)
			.minimumNumberOfCalls(window)
			.failureRateThreshold(50)
			.waitDurationInOpenState(Duration.ofSeconds(30))
			.build());
	}

	private static Retry retry(int attempts) {
		return Retry.of("retry", RetryConfig.custom()
			.maxAttempts(attempts)
			.intervalFunction(IntervalFunction.of(Duration.ofMillis(10)))
			.build());
	}

}
