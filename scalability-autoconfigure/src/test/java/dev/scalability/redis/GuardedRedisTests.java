package dev.scalability.redis;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.CompletableFuture;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import dev.scalability.test.redis.LettuceFactories;
import dev.scalability.test.redis.PrivateRedis;
import dev.scalability.test.redis.RedisServerProcess;
import dev.scalability.time.PauseDetector;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * What the breaker holds against Redis: timeouts of a frozen Redis, but not timeouts while
 * this JVM itself was paused, nor calls that warm an instance up, nor calls cut short by a
 * request's time budget.
 */
class GuardedRedisTests {

	private static final Duration TIMEOUT = Duration.ofMillis(100);

	// Stand-ins for the JVM's detector: it ran on time; it was paused a whole second during every call.
	private static final PauseDetector NO_PAUSE = (since) -> 0;

	private static final PauseDetector PAUSED = (since) -> Duration.ofSeconds(1).toNanos();

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

	private GuardedRedis guard(PauseDetector pauses) {
		return guard(pauses, Duration.ZERO);
	}

	private GuardedRedis guard(PauseDetector pauses, Duration grace) {
		CircuitBreaker breaker = CircuitBreaker.of("guard", CircuitBreakerConfig.custom()
			.slidingWindowSize(4)
			.minimumNumberOfCalls(2)
			.waitDurationInOpenState(Duration.ofMinutes(1))
			.build());
		GuardedRedis guard = new GuardedRedis(TestGuards.connector(this.connectionFactory), TIMEOUT, breaker, pauses,
				new RedisTimeBudget(TIMEOUT.dividedBy(2)), grace);
		assertThat(guard.warmUp(List.of(), Duration.ofSeconds(10))).as("connected").isTrue();
		return guard;
	}

	private static void timeOut(GuardedRedis guard, int calls) {
		for (int i = 0; i < calls; i++) {
			assertThatExceptionOfType(RedisCallException.class).isThrownBy(() -> guard.call((commands) -> commands.ping()))
				.satisfies((ex) -> assertThat(ex.reason()).isIn(RedisCallException.Reason.TIMEOUT,
						RedisCallException.Reason.CIRCUIT_OPEN, RedisCallException.Reason.BUDGET_SPENT));
		}
	}

	@Test
	void asynchronousCallsBeyondTheirBoundWaitForAPlaceAndFailWithoutBeingSentWhenNoneComesFree() {
		// A long grace: the breaker stays closed, and every call is sent.
		GuardedRedis guard = guard(NO_PAUSE, Duration.ofMinutes(1));
		this.redis.freeze();
		// Frozen for sure: what was sent before the stop took effect could still be answered.
		timeOut(guard, 1);
		List<CompletableFuture<String>> underWay = new ArrayList<>();
		for (int i = 0; i < 1_024; i++) {
			underWay.add(guard.callAsync((commands) -> commands.ping()));
		}
		long start = System.nanoTime();
		CompletableFuture<String> beyond = guard.callAsync((commands) -> commands.ping());
		assertThat(Duration.ofNanos(System.nanoTime() - start)).as("waited for a place").isGreaterThanOrEqualTo(TIMEOUT);
		assertThat(beyond).failsWithin(Duration.ZERO)
			.withThrowableOfType(ExecutionException.class)
			.havingCause()
			.isInstanceOfSatisfying(RedisCallException.class,
					(failure) -> assertThat(failure.reason()).isEqualTo(RedisCallException.Reason.BUDGET_SPENT));
		// Timed out for their callers, they still hold their places until Redis answers them.
		assertThat(underWay.get(0)).failsWithin(TIMEOUT.multipliedBy(20));
		assertThat(guard.callAsync((commands) -> commands.ping())).failsWithin(TIMEOUT.multipliedBy(20));
		this.redis.thaw();
		assertThat(CompletableFuture.allOf(underWay.toArray(CompletableFuture[]::new)).exceptionally((failure) -> null))
			.succeedsWithin(Duration.ofSeconds(10));
	}

	@Test
	void timeoutsOfAFrozenRedisOpenTheBreaker() {
		GuardedRedis guard = guard(NO_PAUSE);
		this.redis.freeze();
		timeOut(guard, 4);
		assertThat(guard.circuitBreaker().getState()).isEqualTo(CircuitBreaker.State.OPEN);
	}

	@Test
	void failuresThatDoNotLastKeepTheBreakerClosedAndThoseThatDoOpenIt() {
		GuardedRedis guard = guard(NO_PAUSE, Duration.ofSeconds(1));
		this.redis.freeze();
		long start = System.nanoTime();
		timeOut(guard, 4);
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
		assertThat(guard.circuitBreaker().getState()).as("a blip").isEqualTo(CircuitBreaker.State.CLOSED);
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			timeOut(guard, 1);
			assertThat(guard.circuitBreaker().getState()).as("an outage").isEqualTo(CircuitBreaker.State.OPEN);
		});
	}

	@Test
	void timeoutsWhileThisJvmWasPausedDoNotOpenTheBreaker() {
		GuardedRedis guard = guard(PAUSED);
		// A busy instance: a pause times out a few calls among many that Redis answers.
		for (int i = 0; i < 20; i++) {
			assertThat(guard.<String>call((commands) -> commands.ping())).isEqualTo("PONG");
		}
		this.redis.freeze();
		timeOut(guard, 6);
		assertThat(guard.circuitBreaker().getState()).isEqualTo(CircuitBreaker.State.CLOSED);
	}

	@Test
	void pausesOfThisJvmNoLongerExcuseARedisThatStoppedAnsweringAltogether() {
		GuardedRedis guard = guard(PAUSED);
		this.redis.freeze();
		// Twenty timeouts of silence, and Redis is held responsible whatever this JVM does.
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			timeOut(guard, 1);
			assertThat(guard.circuitBreaker().getState()).isEqualTo(CircuitBreaker.State.OPEN);
		});
	}

	@Test
	void pausesOfThisJvmNoLongerExcuseARedisThatFailsAGoodPartOfTheCalls() {
		GuardedRedis guard = guard(PAUSED);
		for (int i = 0; i < 3; i++) {
			assertThat(guard.<String>call((commands) -> commands.ping())).isEqualTo("PONG");
		}
		this.redis.freeze();
		// Well within twenty timeouts: once half the calls time out, they count.
		timeOut(guard, 8);
		assertThat(guard.circuitBreaker().getState()).isEqualTo(CircuitBreaker.State.OPEN);
	}

	@Test
	void aServerThatNoLongerTakesWritesIsAFailureAndTheConnectionStartsOver() {
		try (RedisServerProcess replica = RedisServerProcess.builder()
			.args("--replicaof", "127.0.0.1", Integer.toString(this.redis.port()))
			.start()) {
			LettuceConnectionFactory toReplica = LettuceFactories.standalone(replica.endpoint());
			try {
				RedisConnector connector = TestGuards.connector(toReplica);
				GuardedRedis guard = new GuardedRedis(connector, Duration.ofSeconds(2), null);
				assertThat(guard.warmUp(List.of(), Duration.ofSeconds(10))).isTrue();
				assertThatExceptionOfType(RedisCallException.class)
					.isThrownBy(() -> guard.call((commands) -> commands.set("k".getBytes(), "v".getBytes())))
					.satisfies((ex) -> assertThat(ex.reason()).isEqualTo(RedisCallException.Reason.UNAVAILABLE));
				// After a failover behind one name, the next connection finds the new primary.
				assertThat(connector.isConnected()).isFalse();
			}
			finally {
				toReplica.destroy();
			}
		}
	}

	@Test
	void manyQuickCallsNeverSpendARequestsBudget() {
		GuardedRedis guard = guard(NO_PAUSE);
		try (RedisTimeBudget.Scope budget = guard.budget().open()) {
			for (int i = 0; i < 2_000; i++) {
				assertThat(guard.<String>call((commands) -> commands.ping())).isEqualTo("PONG");
			}
		}
	}

	@Test
	void aServerThatKeepsAnsweringReadOnlyIsResetLessAndLessOften() throws Exception {
		AtomicInteger resets = new AtomicInteger();
		try (RedisServerProcess replica = RedisServerProcess.builder()
			.args("--replicaof", "127.0.0.1", Integer.toString(this.redis.port()))
			.start()) {
			LettuceConnectionFactory toReplica = new LettuceConnectionFactory(
					new RedisStandaloneConfiguration(replica.endpoint().host(), replica.endpoint().port())) {

				@Override
				public void resetConnection() {
					resets.incrementAndGet();
					super.resetConnection();
				}

			};
			toReplica.afterPropertiesSet();
			toReplica.start();
			try {
				GuardedRedis guard = new GuardedRedis(TestGuards.connector(toReplica), Duration.ofSeconds(2), null);
				ExecutorService writers = Executors.newFixedThreadPool(4);
				long until = System.nanoTime() + Duration.ofMillis(2500).toNanos();
				List<Future<?>> done = new ArrayList<>();
				for (int i = 0; i < 4; i++) {
					done.add(writers.submit(() -> {
						while (System.nanoTime() - until < 0) {
							try {
								guard.call((commands) -> commands.set("k".getBytes(), "v".getBytes()));
							}
							catch (RedisCallException ex) {
								// READONLY, or the connection being reset.
							}
						}
					}));
				}
				for (Future<?> future : done) {
					future.get();
				}
				writers.shutdown();
				// At 0, 1 and 3 seconds at the most: once a second at first, then backing off.
				assertThat(resets.get()).isBetween(1, 3);
			}
			finally {
				toReplica.destroy();
			}
		}
	}

	@Test
	void callsThatWarmAnInstanceUpLeaveTheBreakerAlone() {
		GuardedRedis guard = guard(NO_PAUSE);
		this.redis.freeze();
		guard.warming(() -> {
			timeOut(guard, 6);
			return null;
		});
		assertThat(guard.circuitBreaker().getState()).isEqualTo(CircuitBreaker.State.CLOSED);
	}

	@Test
	void callsCutShortByTheRequestsBudgetAreNoFailureOfRedis() {
		GuardedRedis guard = guard(NO_PAUSE);
		this.redis.freeze();
		for (int i = 0; i < 6; i++) {
			try (RedisTimeBudget.Scope budget = guard.budget().open()) {
				timeOut(guard, 3);
			}
		}
		assertThat(guard.circuitBreaker().getState()).isEqualTo(CircuitBreaker.State.CLOSED);
	}

}
