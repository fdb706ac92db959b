package dev.scalability.events.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.scalability.delivery.Backoff;
import dev.scalability.delivery.HandlingOutcome;
import dev.scalability.delivery.JacksonPayloadCodec;
import dev.scalability.delivery.RetryPolicy;
import dev.scalability.events.EventBusSettings;
import dev.scalability.events.EventPublishException;
import dev.scalability.events.Subscription;
import dev.scalability.events.health.EventBusHealthIndicator;
import dev.scalability.redis.GuardedRedis;
import dev.scalability.redis.RedisConnectionProbe;
import dev.scalability.redis.RedisKeys;
import dev.scalability.redis.TestGuards;
import dev.scalability.test.redis.PrivateRedis;
import dev.scalability.time.MonotonicClock;
import io.lettuce.core.ScriptOutputType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Redis stopped or frozen under a bus: a publish or a request says it failed, quickly, without a
 * thread piling up per call, health says the
 * bus is degraded, and once Redis is back, with nothing kept (a server that restarted
 * empty), listeners find their groups again by themselves.
 */
class RedisEventBusFaultTests {

	private static final Duration TIMEOUT = Duration.ofMillis(200);

	private static final Duration WAIT = Duration.ofSeconds(30);

	private PrivateRedis redis;

	private RedisEventBus bus;

	@BeforeEach
	void start() {
		this.redis = PrivateRedis.start();
		this.bus = bus("instance-1");
		this.bus.start();
	}

	private RedisEventBus bus(String consumer) {
		EventBusSettings settings = new EventBusSettings(
				new RetryPolicy(3, Backoff.exponential(Duration.ofMillis(5), Duration.ofMillis(20))), 1_000, 100, 100);
		return RedisEventBuses.bus(
				TestGuards.withBreaker(this.redis.connectionFactory(), TIMEOUT, Duration.ofMillis(500)),
				this.redis.connectionFactory(), "faults:", consumer, settings, Duration.ofSeconds(30),
				new JacksonPayloadCodec(JsonMapper.builder().build()), MonotonicClock.system());
	}

	@AfterEach
	void stop() {
		this.bus.stop(WAIT);
		this.redis.close();
	}

	@Test
	void requestsWhileRedisIsFrozenFailAtOnceWithoutAThreadEach() throws Exception {
		this.bus.stop(WAIT);
		this.redis.server().freeze();
		RedisEventBus frozen = bus("instance-2");
		frozen.start();
		try {
			ExecutorService callers = Executors.newFixedThreadPool(8);
			List<Future<?>> calls = new ArrayList<>();
			for (int caller = 0; caller < 8; caller++) {
				calls.add(callers.submit(() -> {
					for (int i = 0; i < 200; i++) {
						try {
							frozen.request("quotes", Map.of("order", i), String.class, Duration.ofSeconds(1));
						}
						catch (RuntimeException ex) {
							// Failing is expected: what matters is what failing costs.
						}
					}
				}));
			}
			for (Future<?> call : calls) {
				call.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
			}
			callers.shutdown();
			long listening = Thread.getAllStackTraces()
				.keySet()
				.stream()
				.filter((thread) -> thread.isAlive() && thread.getName().equals("events-reply-listen"))
				.count();
			assertThat(listening).as("threads trying to listen for answers").isLessThanOrEqualTo(1);
			assertThat(frozen.request("quotes", Map.of("order", 1), String.class, Duration.ofSeconds(1)))
				.failsWithin(Duration.ofMillis(100))
				.withThrowableOfType(ExecutionException.class)
				.withCauseInstanceOf(EventPublishException.class);
		}
		finally {
			frozen.stop(Duration.ofMillis(1));
		}
		assertThat(frozen.request("quotes", Map.of("order", 1), String.class, Duration.ofSeconds(1)))
			.as("a request to a stopped bus")
			.isCompletedExceptionally();
	}

	@Test
	void aListenerThatHadSeenNothingGetsWhatWasPublishedRightAfterItsStreamVanished() {
		Queue<String> handled = new ConcurrentLinkedQueue<>();
		this.bus.subscribe(new Subscription("orders", "billing", 1, (event) -> {
			handled.add(event.id());
			return HandlingOutcome.success(null);
		}, "billing"));
		GuardedRedis redis = TestGuards.bounded(this.redis.connectionFactory(), TIMEOUT);
		byte[] stream = new EventStreams(new RedisKeys("faults:")).stream("orders");
		// As a Redis that restarted empty and took an event at once: the stream and its group
		// go, and a publish makes the stream anew, before the listener can notice, in one step.
		String published = EventEntries.text(redis.call((commands) -> commands.<byte[]>eval(
				"redis.call('DEL', KEYS[1]) return redis.call('XADD', KEYS[1], '*', unpack(ARGV))",
				ScriptOutputType.VALUE, new byte[][] { stream }, EventEntries.fields(Map.of(), "{\"order\":1}"))));
		await().atMost(WAIT).until(() -> handled.contains(published));
	}

	@Test
	void aPublishThatTimedOutSaysItMayHaveBeenStoredAndOneTheBreakerHeldBackSaysItWasNot() {
		this.redis.server().freeze();
		assertThatExceptionOfType(EventPublishException.class)
			.isThrownBy(() -> this.bus.publish("orders", Map.of("order", 1)))
			.satisfies((failure) -> assertThat(failure.outcomeUnknown()).as("after a timeout").isTrue());
		EventPublishException heldBack = await().atMost(WAIT).until(() -> {
			try {
				this.bus.publish("orders", Map.of("order", 2));
				return null;
			}
			catch (EventPublishException ex) {
				return ex;
			}
		}, (failure) -> failure != null && failure.getMessage().contains("circuit_open"));
		assertThat(heldBack.outcomeUnknown()).as("with the breaker open").isFalse();
	}

	@Test
	void aPublishWithoutWaitingFailsItsFutureAsAWaitingPublishWouldFail() {
		this.redis.server().freeze();
		CompletableFuture<String> timedOut = this.bus.publishAsync("orders", Map.of("order", 1));
		assertThat(timedOut).failsWithin(TIMEOUT.plusSeconds(5))
			.withThrowableOfType(ExecutionException.class)
			.havingCause()
			.isInstanceOfSatisfying(EventPublishException.class,
					(failure) -> assertThat(failure.outcomeUnknown()).as("after a timeout").isTrue());
		EventPublishException heldBack = await().atMost(WAIT).until(() -> {
			try {
				this.bus.publishAsync("orders", Map.of("order", 2)).join();
				return null;
			}
			catch (CompletionException ex) {
				return (EventPublishException) ex.getCause();
			}
		}, (failure) -> failure != null && failure.getMessage().contains("circuit_open"));
		assertThat(heldBack.outcomeUnknown()).as("with the breaker open").isFalse();
	}

	@Test
	void publishesWithoutWaitingWhileRedisIsFrozenFailAndPublishingResumesOnceItIsBack() {
		this.redis.server().freeze();
		List<CompletableFuture<String>> underWay = new ArrayList<>();
		for (int i = 0; i < 1_024; i++) {
			underWay.add(this.bus.publishAsync("orders", Map.of("order", i)));
		}
		CompletableFuture<String> beyond = this.bus.publishAsync("orders", Map.of("order", "beyond"));
		assertThat(beyond).failsWithin(TIMEOUT.plusSeconds(5))
			.withThrowableOfType(ExecutionException.class)
			.havingCause()
			.isInstanceOf(EventPublishException.class);
		assertThat(underWay.get(0)).failsWithin(TIMEOUT.plusSeconds(5));
		this.redis.server().thaw();
		String after = await().atMost(WAIT)
			.ignoreExceptions()
			.until(() -> this.bus.publishAsync("orders", Map.of("order", "after")).join(), Objects::nonNull);
		assertThat(after).isNotNull();
	}

	@Test
	void aPublishFailsWhileRedisIsDownAndListenersResumeByThemselvesOnceItIsBack() {
		Queue<String> handled = new ConcurrentLinkedQueue<>();
		this.bus.subscribe(new Subscription("orders", "billing", 2, (event) -> {
			handled.add(event.id());
			return HandlingOutcome.success(null);
		}, "billing"));
		String before = this.bus.publish("orders", Map.of("order", 1));
		await().atMost(WAIT).until(() -> handled.contains(before));

		EventBusHealthIndicator health = new EventBusHealthIndicator(this.bus, new RedisConnectionProbe(
				TestGuards.connector(this.redis.connectionFactory()), TIMEOUT, Duration.ofMillis(100)));
		assertThat(health.health(true).getDetails()).doesNotContainKey("degraded");

		this.redis.server().stop();
		for (int i = 0; i < 3; i++) {
			long start = System.nanoTime();
			assertThatExceptionOfType(EventPublishException.class)
				.isThrownBy(() -> this.bus.publish("orders", Map.of("order", 2)))
				.withMessageContaining("orders");
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(TIMEOUT.plusSeconds(1));
		}

		// Degraded, not down: every instance shares this Redis, and none would serve better out of rotation.
		await().atMost(WAIT).untilAsserted(() -> {
			Health degraded = health.health(true);
			assertThat(degraded.getStatus()).isEqualTo(Status.UP);
			assertThat(degraded.getDetails()).containsEntry("degraded", true).containsEntry("backend", "redis");
		});

		this.redis.server().restart();
		String after = await().atMost(WAIT)
			.ignoreExceptions()
			.until(() -> this.bus.publish("orders", Map.of("order", 3)), Objects::nonNull);
		await().atMost(WAIT).until(() -> handled.contains(after));
		assertThat(this.bus.isRunning()).isTrue();
		await().atMost(WAIT)
			.untilAsserted(() -> assertThat(health.health(true).getDetails()).doesNotContainKey("degraded"));
	}

}
