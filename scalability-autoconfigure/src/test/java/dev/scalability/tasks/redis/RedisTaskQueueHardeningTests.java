package dev.scalability.tasks.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.scalability.delivery.Backoff;
import dev.scalability.delivery.HandlingOutcome;
import dev.scalability.delivery.JacksonPayloadCodec;
import dev.scalability.delivery.PayloadCodec;
import dev.scalability.delivery.RetryPolicy;
import dev.scalability.redis.GuardedRedis;
import dev.scalability.redis.RedisKeys;
import dev.scalability.redis.TestGuards;
import dev.scalability.tasks.TaskOptions;
import dev.scalability.tasks.TaskQueueSettings;
import dev.scalability.tasks.TaskRegistration;
import dev.scalability.tasks.TaskState;
import dev.scalability.tasks.TaskStatus;
import dev.scalability.test.redis.PrivateRedis;
import dev.scalability.test.redis.RedisTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What a production Redis and a production shutdown do to a task queue: stops with work
 * in several queues, a full Redis, a Redis that forgot its scripts or its keys, instances
 * without a handler, interrupted submitters.
 */
@RedisTest
class RedisTaskQueueHardeningTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	private final PayloadCodec codec = new JacksonPayloadCodec(JsonMapper.builder().build());

	private final List<RedisTaskQueue> queues = new ArrayList<>();

	private PrivateRedis redis;

	private GuardedRedis guarded;

	@BeforeEach
	void startRedis() {
		this.redis = PrivateRedis.start();
		this.guarded = TestGuards.bounded(this.redis.connectionFactory(), Duration.ofSeconds(2));
	}

	@AfterEach
	void stop() {
		this.queues.forEach((queue) -> queue.stop(Duration.ofSeconds(5)));
		this.redis.close();
	}

	@Test
	void aStopEndsFetchingInEveryQueueBeforeItWaitsForAnyRunningTask() throws Exception {
		CountDownLatch releaseFirst = new CountDownLatch(1);
		CountDownLatch releaseSecond = new CountDownLatch(1);
		Set<String> started = ConcurrentHashMap.newKeySet();
		RedisTaskQueue queue = queue("instance-1", Duration.ofSeconds(30), 1);
		queue.register(new TaskRegistration("first", "first", (task) -> {
			started.add(task.id());
			awaitQuietly(releaseFirst);
			return HandlingOutcome.success(null);
		}, "first"));
		queue.register(new TaskRegistration("second", "second", (task) -> {
			started.add(task.id());
			awaitQuietly(releaseSecond);
			return HandlingOutcome.success(null);
		}, "second"));
		queue.start();
		String first = queue.submit("first", Map.of("n", 1));
		String second = queue.submit("second", Map.of("n", 1));
		String waiting = queue.submit("second", Map.of("n", 2));
		await().atMost(WAIT).until(() -> started.containsAll(List.of(first, second)));

		CompletableFuture<Boolean> stopped = CompletableFuture.supplyAsync(() -> queue.stop(WAIT));
		await().atMost(WAIT).until(() -> !queue.isRunning());
		// The second queue's thread comes free while the first queue still drains.
		releaseSecond.countDown();
		await().during(Duration.ofSeconds(1)).atMost(WAIT).until(() -> !started.contains(waiting));
		releaseFirst.countDown();
		assertThat(stopped.get(WAIT.toMillis(), TimeUnit.MILLISECONDS)).as("every running task finished").isTrue();
		assertThat(started).doesNotContain(waiting);
		assertThat(queue.status(waiting).orElseThrow().state()).isEqualTo(TaskState.WAITING);
	}

	@Test
	void aFullRedisRefusesSubmitsButNeverCostsARunningTaskItsLease() {
		CountDownLatch release = new CountDownLatch(1);
		AtomicInteger tries = new AtomicInteger();
		Duration lease = Duration.ofMillis(900);
		RedisTaskQueue holder = queue("holder", lease, 1);
		holder.register(new TaskRegistration("slow", "default", (task) -> {
			tries.incrementAndGet();
			awaitQuietly(release);
			return HandlingOutcome.success(null);
		}, "slow"));
		holder.start();
		String id = holder.submit("slow", Map.of("n", 1));
		await().atMost(WAIT).until(() -> tries.get() == 1);
		RedisTaskQueue other = queue("other", lease, 1);
		other.register(new TaskRegistration("slow", "default", (task) -> {
			tries.incrementAndGet();
			return HandlingOutcome.success(null);
		}, "other"));
		other.start();
		long used = Long.parseLong(this.redis.server().info("memory").get("used_memory"));
		this.guarded.call((commands) -> commands.configSet("maxmemory", Long.toString(used / 2)));
		try {
			// Three leases long: renewals go on while Redis refuses every new key.
			await().during(Duration.ofMillis(2_700)).atMost(WAIT).until(() -> tries.get() == 1);
		}
		finally {
			this.guarded.call((commands) -> commands.configSet("maxmemory", "0"));
		}
		release.countDown();
		await().atMost(WAIT).until(() -> holder.status(id).orElseThrow().state() == TaskState.SUCCEEDED);
		assertThat(tries).hasValue(1);
	}

	@Test
	void aTaskSubmittedWithoutWaitingIsStoredWhenRedisHasForgottenTheScript() {
		RedisTaskQueue queue = queue("instance-1", Duration.ofSeconds(30), 1);
		queue.start();
		queue.submit("warm", Map.of("n", 0));
		this.guarded.call((commands) -> commands.scriptFlush());
		String id = queue.submitAsync("later", Map.of("n", 1), TaskOptions.defaults()).join();
		assertThat(queue.status(id)).map(TaskStatus::state).contains(TaskState.WAITING);
	}

	@Test
	void anInstanceWithoutTheHandlerOfATypeGivesItsTasksBackWithoutCountingTheTry() {
		RedisTaskQueue old = queue("old", Duration.ofSeconds(30), 1);
		old.register(new TaskRegistration("known", "mixed", (task) -> HandlingOutcome.success(null), "old"));
		old.start();
		String id = old.submit("new-type", Map.of("n", 1), TaskOptions.defaults().inQueue("mixed").withMaxAttempts(1));
		// Fetched by the old instance, which has no handler of it, and given back.
		await().atMost(WAIT).until(() -> old.status(id).orElseThrow().state() == TaskState.DELAYED);
		assertThat(old.status(id).orElseThrow().attempts()).isZero();

		Set<String> ran = ConcurrentHashMap.newKeySet();
		RedisTaskQueue upgraded = queue("upgraded", Duration.ofSeconds(30), 1);
		upgraded.register(new TaskRegistration("new-type", "mixed", (task) -> {
			ran.add(task.id());
			return HandlingOutcome.success(null);
		}, "upgraded"));
		upgraded.start();
		await().atMost(WAIT).until(() -> ran.contains(id));
		TaskStatus status = await().atMost(WAIT)
			.until(() -> upgraded.status(id).orElseThrow(), (current) -> current.state() == TaskState.SUCCEEDED);
		assertThat(status.attempts()).as("only the try that ran").isOne();
	}

	@Test
	void anInterruptedSubmitterNeverFailsTheSubmitsItStoresForOtherThreads() throws Exception {
		RedisTaskQueue queue = queue("instance-1", Duration.ofSeconds(30), 1);
		queue.start();
		TaskOptions options = TaskOptions.defaults().inQueue("default");
		Set<String> stored = ConcurrentHashMap.newKeySet();
		ExecutorService submitters = Executors.newFixedThreadPool(8);
		try {
			List<Future<?>> others = new ArrayList<>();
			Future<?> interrupting = submitters.submit(() -> {
				for (int i = 0; i < 200; i++) {
					// Its own submits may fail, being interrupted; never the others' it stores.
					Thread.currentThread().interrupt();
					try {
						stored.add(queue.submit("work", Map.of("n", i), options));
					}
					catch (RuntimeException ex) {
						// Told: an interrupted thread's submit.
					}
					Thread.interrupted();
				}
			});
			for (int thread = 1; thread < 8; thread++) {
				others.add(submitters.submit(() -> {
					for (int i = 0; i < 200; i++) {
						stored.add(queue.submit("work", Map.of("n", i), options));
					}
					return null;
				}));
			}
			for (Future<?> other : others) {
				other.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
			}
			interrupting.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
			assertThat(stored).hasSizeGreaterThanOrEqualTo(1_400);
			assertThat(queue.queues()).singleElement()
				.satisfies((snapshot) -> assertThat(snapshot.waiting()).isEqualTo(stored.size()));
		}
		finally {
			submitters.shutdownNow();
		}
	}

	@Test
	void queuesAndRoutesAreWrittenAgainAfterRedisLostThem() {
		RedisTaskQueue worker = queue("worker", Duration.ofSeconds(1), 1);
		worker.register(new TaskRegistration("send-email", "emails", (task) -> HandlingOutcome.success(null), "worker"));
		worker.start();
		TaskKeys keys = new TaskKeys(new RedisKeys("hardening:"));
		await().atMost(WAIT).until(() -> route(keys, "send-email") != null);
		this.redis.server().flushAll();
		// Renewals come three times a lease: within a second or so, both are back.
		await().atMost(WAIT).until(() -> route(keys, "send-email") != null);
		RedisTaskQueue web = queue("web", Duration.ofSeconds(1), 1);
		web.start();
		assertThat(web.submit("send-email", Map.of("to", "someone"))).endsWith("@emails");
		assertThat(web.queues()).anySatisfy((snapshot) -> assertThat(snapshot.queue()).isEqualTo("emails"));
	}

	private byte[] route(TaskKeys keys, String type) {
		return this.guarded.call((commands) -> commands.hget(keys.routes(), TaskKeys.bytes(type)));
	}

	private RedisTaskQueue queue(String worker, Duration lease, int concurrency) {
		TaskQueueSettings settings = new TaskQueueSettings(
				new RetryPolicy(3, Backoff.exponential(Duration.ofMillis(10), Duration.ofMillis(50))), Map.of(),
				concurrency, Duration.ofMinutes(5), 100);
		RedisTaskQueue queue = new RedisTaskQueue(settings, RedisTaskQueueSettings.of(worker, lease),
				TestGuards.bounded(this.redis.connectionFactory(), Duration.ofMillis(300)), new RedisKeys("hardening:"),
				this.codec);
		this.queues.add(queue);
		return queue;
	}

	private static void awaitQuietly(CountDownLatch latch) {
		try {
			latch.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
