package dev.scalability.tasks.redis;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.scalability.delivery.Backoff;
import dev.scalability.delivery.HandlingOutcome;
import dev.scalability.delivery.JacksonPayloadCodec;
import dev.scalability.delivery.RetryPolicy;
import dev.scalability.redis.GuardedRedis;
import dev.scalability.redis.RedisKeys;
import dev.scalability.redis.TestGuards;
import dev.scalability.tasks.TaskQueueSettings;
import dev.scalability.tasks.TaskRegistration;
import dev.scalability.tasks.TaskState;
import dev.scalability.tasks.TaskSubmitException;
import dev.scalability.tasks.health.TaskQueueHealthIndicator;
import dev.scalability.test.redis.PrivateRedis;
import dev.scalability.test.redis.RedisTest;
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
 * A task queue whose Redis stops, freezes and comes back: submits fail loudly meanwhile,
 * and workers go on by themselves afterwards.
 */
@RedisTest
class RedisTaskQueueFaultTests {

	private static final Duration TIMEOUT = Duration.ofMillis(200);

	private static final Duration WAIT = Duration.ofSeconds(20);

	private PrivateRedis redis;

	private RedisTaskQueue queue;

	private final Set<String> ran = ConcurrentHashMap.newKeySet();

	@BeforeEach
	void start() {
		this.redis = PrivateRedis.start();
		TaskQueueSettings settings = new TaskQueueSettings(
				new RetryPolicy(3, Backoff.exponential(Duration.ofMillis(10), Duration.ofMillis(50))), Map.of(), 2,
				Duration.ofMinutes(5), 100);
		this.queue = new RedisTaskQueue(settings, RedisTaskQueueSettings.of("instance-1", Duration.ofSeconds(5)),
				TestGuards.withBreaker(this.redis.connectionFactory(), TIMEOUT, Duration.ofMillis(500)),
				new RedisKeys("faults:"), new JacksonPayloadCodec(JsonMapper.builder().build()));
		this.queue.register(new TaskRegistration("work", "default", (task) -> {
			this.ran.add(task.id());
			return HandlingOutcome.success(null);
		}, "work"));
		this.queue.start();
	}

	@AfterEach
	void stop() {
		this.queue.stop(WAIT);
		this.redis.close();
	}

	@Test
	void aSubmitFailsWhileRedisIsDownAndWorkersResumeByThemselvesOnceItIsBack() {
		String before = this.queue.submit("work", Map.of("n", 1));
		await().atMost(WAIT).until(() -> this.ran.contains(before));
		this.redis.server().stop();
		assertThatExceptionOfType(TaskSubmitException.class).isThrownBy(() -> this.queue.submit("work", Map.of("n", 2)))
			.withMessageContaining("stored");
		this.redis.server().restart();
		String after = await().atMost(WAIT)
			.ignoreExceptions()
			.until(() -> this.queue.submit("work", Map.of("n", 3)), Objects::nonNull);
		await().atMost(WAIT).until(() -> this.ran.contains(after));
		assertThat(this.queue.isRunning()).isTrue();
	}

	@Test
	void healthStaysUpAndDegradedWhileRedisIsDown() {
		TaskQueueHealthIndicator health = new TaskQueueHealthIndicator(this.queue, null);
		assertThat(health.health(true).getStatus()).isEqualTo(Status.UP);
		this.redis.server().stop();
		Health down = health.health(true);
		assertThat(down.getStatus()).isEqualTo(Status.UP);
		assertThat(down.getDetails()).containsEntry("degraded", true);
		this.redis.server().restart();
	}

	@Test
	void aFetchWhoseAnswerWasLostGivesItsTasksBackWithoutCountingATry() {
		// As if a fetch had leased a task to this instance and its answer never came back.
		this.queue.stop(WAIT);
		String id = this.queue.submit("work", Map.of("n", 1));
		byte[] taskKey = new dev.scalability.tasks.redis.TaskKeys(new RedisKeys("faults:")).task("default", id);
		byte[] running = new dev.scalability.tasks.redis.TaskKeys(new RedisKeys("faults:")).running("default");
		byte[] ready = new dev.scalability.tasks.redis.TaskKeys(new RedisKeys("faults:")).ready("default");
		TestGuards.bounded(this.redis.connectionFactory(), Duration.ofSeconds(2)).call((commands) -> {
			commands.zrem(ready, id.getBytes(java.nio.charset.StandardCharsets.UTF_8));
			commands.hset(taskKey, Map.of("state".getBytes(java.nio.charset.StandardCharsets.UTF_8),
					"RUNNING".getBytes(java.nio.charset.StandardCharsets.UTF_8),
					"attempts".getBytes(java.nio.charset.StandardCharsets.UTF_8),
					"1".getBytes(java.nio.charset.StandardCharsets.UTF_8),
					"worker".getBytes(java.nio.charset.StandardCharsets.UTF_8),
					"instance-1".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
			return commands.zadd(running, System.currentTimeMillis() + 600_000,
					id.getBytes(java.nio.charset.StandardCharsets.UTF_8));
		});
		this.queue.start();
		await().atMost(WAIT).until(() -> this.ran.contains(id));
		await().atMost(WAIT).until(() -> this.queue.status(id).orElseThrow().state() == TaskState.SUCCEEDED);
		assertThat(this.queue.status(id).orElseThrow().attempts()).as("only the try that ran").isOne();
	}

	@Test
	void leasesAreRenewedWhileTheBreakerHoldsTheOtherCallsBack() {
		this.queue.stop(WAIT);
		GuardedRedis guarded = TestGuards.withBreaker(this.redis.connectionFactory(), TIMEOUT, Duration.ofMinutes(1));
		java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
		java.util.concurrent.atomic.AtomicInteger tries = new java.util.concurrent.atomic.AtomicInteger();
		TaskQueueSettings settings = new TaskQueueSettings(
				new RetryPolicy(3, Backoff.exponential(Duration.ofMillis(10), Duration.ofMillis(50))), Map.of(), 2,
				Duration.ofMinutes(5), 100);
		RedisTaskQueue holder = new RedisTaskQueue(settings,
				RedisTaskQueueSettings.of("holder", Duration.ofMillis(600)), guarded, new RedisKeys("faults:"),
				new JacksonPayloadCodec(JsonMapper.builder().build()));
		RedisTaskQueue other = new RedisTaskQueue(settings, RedisTaskQueueSettings.of("other", Duration.ofMillis(600)),
				TestGuards.bounded(this.redis.connectionFactory(), TIMEOUT), new RedisKeys("faults:"),
				new JacksonPayloadCodec(JsonMapper.builder().build()));
		holder.register(new TaskRegistration("slow", "slow", (task) -> {
			tries.incrementAndGet();
			try {
				release.await();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			return HandlingOutcome.success(null);
		}, "slow"));
		holder.start();
		try {
			String id = holder.submit("slow", Map.of("n", 1));
			await().atMost(WAIT).until(() -> tries.get() == 1);
			guarded.circuitBreaker().transitionToForcedOpenState();
			other.register(new TaskRegistration("slow", "slow", (task) -> {
				tries.incrementAndGet();
				return HandlingOutcome.success(null);
			}, "slow"));
			other.start();
			// Five leases long: without renewal the other instance would have taken it.
			await().during(Duration.ofSeconds(3)).atMost(WAIT).until(() -> tries.get() == 1);
			assertThat(other.status(id).orElseThrow().state()).isEqualTo(TaskState.RUNNING);
			guarded.circuitBreaker().transitionToClosedState();
			release.countDown();
			await().atMost(WAIT).until(() -> other.status(id).orElseThrow().state() == TaskState.SUCCEEDED);
			assertThat(tries.get()).isOne();
		}
		finally {
			release.countDown();
			holder.stop(WAIT);
			other.stop(WAIT);
		}
	}

	@Test
	void aSettleOfAnEarlierTryNeverEndsALaterTryOfTheSameTask() {
		this.queue.stop(WAIT);
		String id = this.queue.submit("work", Map.of("n", 1));
		TaskKeys keys = new TaskKeys(new RedisKeys("faults:"));
		GuardedRedis redis = TestGuards.bounded(this.redis.connectionFactory(), Duration.ofSeconds(2));
		List<Object> fetched = redis.script(TaskScripts.FETCH,
				new byte[][] { keys.ready("default"), keys.delayed("default"), keys.running("default"),
						keys.dead("default"), keys.counter("default") },
				keys.taskPrefix("default"), TaskKeys.bytes("instance-1"), TaskKeys.bytes("1"), TaskKeys.bytes("60000"),
				TaskKeys.bytes("3"), TaskKeys.bytes("0"), TaskKeys.bytes("100"), keys.idempotencyPrefix("default"));
		String firstLease = TaskKeys.text(((List<?>) fetched.get(1)).get(7));
		// As if its lease had run out and this instance had fetched it again: a later try.
		redis.call((commands) -> commands.hincrby(keys.task("default", id), TaskKeys.bytes("lease"), 1));
		List<Object> settled = redis.script(TaskScripts.SETTLE,
				new byte[][] { keys.running("default"), keys.delayed("default"), keys.dead("default") },
				keys.taskPrefix("default"), keys.idempotencyPrefix("default"), TaskKeys.bytes("instance-1"),
				TaskKeys.bytes("60000"), TaskKeys.bytes("100"), TaskKeys.bytes("0"), TaskKeys.bytes(id),
				TaskKeys.bytes(firstLease), TaskKeys.bytes("retry"), TaskKeys.bytes("1000"), TaskKeys.bytes("late"));
		assertThat((Long) settled.get(0)).as("the earlier try's settle").isZero();
		assertThat(this.queue.status(id).orElseThrow().state()).isEqualTo(TaskState.RUNNING);
	}

	@Test
	void aSubmitWithoutWaitingToAFrozenRedisFailsSayingItMayHaveBeenStored() {
		this.redis.server().freeze();
		try {
			assertThat(this.queue.submitAsync("work", Map.of("n", 1), dev.scalability.tasks.TaskOptions.defaults()))
				.failsWithin(WAIT)
				.withThrowableOfType(java.util.concurrent.ExecutionException.class)
				.havingCause()
				.isInstanceOfSatisfying(TaskSubmitException.class,
						(failure) -> assertThat(failure.outcomeUnknown()).isTrue())
				.withMessageContaining("may or may not have been stored");
		}
		finally {
			this.redis.server().thaw();
		}
	}

	@Test
	void aSubmitToAFrozenRedisFailsWithinItsTimeoutSayingItMayHaveBeenStored() {
		this.redis.server().freeze();
		long start = System.nanoTime();
		assertThatExceptionOfType(TaskSubmitException.class).isThrownBy(() -> this.queue.submit("work", Map.of("n", 1)))
			.satisfies((failure) -> assertThat(failure.outcomeUnknown()).as("after a timeout").isTrue())
			.withMessageContaining("may or may not have been stored");
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(TIMEOUT.plusSeconds(1));
		this.redis.server().thaw();
	}

}
