package dev.scalability.tasks.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.scalability.delivery.Backoff;
import dev.scalability.delivery.HandlingOutcome;
import dev.scalability.delivery.JacksonPayloadCodec;
import dev.scalability.delivery.PayloadCodec;
import dev.scalability.delivery.RetryPolicy;
import dev.scalability.permits.PermitLimit;
import dev.scalability.ratelimit.RateLimiterPermits;
import dev.scalability.ratelimit.redis.RedisRateLimiter;
import dev.scalability.redis.DedicatedConnections;
import dev.scalability.redis.GuardedRedis;
import dev.scalability.redis.RedisKeys;
import dev.scalability.redis.TestGuards;
import dev.scalability.tasks.QueueRateLimits;
import dev.scalability.tasks.QueueSnapshot;
import dev.scalability.tasks.TaskDeadLetter;
import dev.scalability.tasks.TaskOptions;
import dev.scalability.tasks.TaskQueueObserver;
import dev.scalability.tasks.TaskQueueSettings;
import dev.scalability.tasks.TaskRegistration;
import dev.scalability.tasks.TaskRunner;
import dev.scalability.tasks.TaskState;
import dev.scalability.tasks.TaskStatus;
import dev.scalability.test.redis.LettuceFactories;
import dev.scalability.test.redis.RedisTest;
import dev.scalability.test.redis.TestRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Several instances of an application on one Redis: tasks shared among them and run once
 * each, and the tasks of an instance that died given to another once their lease runs out.
 */
@RedisTest
class RedisTaskQueueSharingTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	private static LettuceConnectionFactory connectionFactory;

	private final PayloadCodec codec = new JacksonPayloadCodec(JsonMapper.builder().build());

	private final String prefix = "tasks-sharing:" + UUID.randomUUID() + ":";

	private final List<RedisTaskQueue> queues = new ArrayList<>();

	@BeforeAll
	static void connect() {
		connectionFactory = LettuceFactories.standalone(TestRedis.requireShared());
	}

	@AfterAll
	static void disconnect() {
		connectionFactory.destroy();
	}

	@AfterEach
	void stopQueues() {
		this.queues.forEach((queue) -> queue.stop(Duration.ofSeconds(5)));
	}

	@Test
	void tenThousandTasksOnTwoInstancesRunOnceEach() {
		Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
		Set<String> first = ConcurrentHashMap.newKeySet();
		Set<String> second = ConcurrentHashMap.newKeySet();
		RedisTaskQueue one = started("instance-1", Duration.ofSeconds(30), TestGuards.bounded(connectionFactory, Duration.ofSeconds(2)));
		RedisTaskQueue two = started("instance-2", Duration.ofSeconds(30), TestGuards.bounded(connectionFactory, Duration.ofSeconds(2)));
		one.register(new TaskRegistration("count", "default", counting(runs, first), "first"));
		two.register(new TaskRegistration("count", "default", counting(runs, second), "second"));
		List<String> ids = new ArrayList<>();
		for (int i = 0; i < 10_000; i++) {
			ids.add(((i % 2 == 0) ? one : two).submit("count", Map.of("n", i)));
		}
		await().atMost(WAIT).until(() -> runs.size() == 10_000 && one.queues().get(0).pending() == 0);
		assertThat(runs.keySet()).containsExactlyInAnyOrderElementsOf(ids);
		assertThat(runs.values()).allSatisfy((count) -> assertThat(count).hasValue(1));
		assertThat(first).as("run by the first instance").isNotEmpty();
		assertThat(second).as("run by the second instance").isNotEmpty();
	}

	@Test
	void theTasksOfAnInstanceThatDiedMidTaskRunOnAnotherOnceTheirLeaseRunsOut() throws InterruptedException {
		LettuceConnectionFactory dyingConnection = LettuceFactories.standalone(TestRedis.requireShared());
		CountDownLatch entered = new CountDownLatch(1);
		RedisTaskQueue dying = started("dying", Duration.ofMillis(600), TestGuards.bounded(dyingConnection, Duration.ofSeconds(2)));
		dying.register(new TaskRegistration("work", "default", (task) -> {
			entered.countDown();
			try {
				new CountDownLatch(1).await();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			return HandlingOutcome.success(null);
		}, "dying"));
		String id = dying.submit("work", Map.of("n", 1));
		assertThat(entered.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
		// Its connection gone, it renews nothing and settles nothing: as dead as a killed process.
		dyingConnection.destroy();

		Set<String> rescued = ConcurrentHashMap.newKeySet();
		RedisTaskQueue survivor = started("survivor", Duration.ofMillis(600), TestGuards.bounded(connectionFactory, Duration.ofSeconds(2)));
		survivor.register(new TaskRegistration("work", "default", (task) -> {
			rescued.add(task.id());
			return HandlingOutcome.success(null);
		}, "survivor"));
		await().atMost(WAIT).until(() -> rescued.contains(id));
		TaskStatus status = await().atMost(WAIT).until(() -> survivor.status(id).orElseThrow(),
				(current) -> current.state() == TaskState.SUCCEEDED);
		assertThat(status.attempts()).as("the try that died counted").isEqualTo(2);
	}

	@Test
	void everyInstanceSeesCountsAndDeadLettersOfQueuesOnlyAnotherInstanceKnows() {
		RedisTaskQueue handling = started("handling", Duration.ofSeconds(30),
				TestGuards.bounded(connectionFactory, Duration.ofSeconds(2)));
		handling.register(new TaskRegistration("poison", "reports", (task) -> {
			throw new IllegalStateException("never works");
		}, "handling"));
		String dead = handling.submit("poison", Map.of("n", 1), TaskOptions.defaults().withMaxAttempts(1));
		String waiting = handling.submit("later", Map.of("n", 2), TaskOptions.defaults().inQueue("exports"));
		await().atMost(WAIT).until(() -> handling.status(dead).orElseThrow().state() == TaskState.DEAD);

		RedisTaskQueue looking = started("looking", Duration.ofSeconds(30),
				TestGuards.bounded(connectionFactory, Duration.ofSeconds(2)));
		assertThat(looking.queues()).extracting(QueueSnapshot::queue).contains("reports", "exports");
		assertThat(looking.queues()).filteredOn((queue) -> queue.queue().equals("exports"))
			.singleElement()
			.satisfies((queue) -> assertThat(queue.waiting()).isOne());
		assertThat(looking.deadLetters()).extracting(TaskDeadLetter::id).containsExactly(dead);
		assertThat(looking.redriveAll()).isOne();
		assertThat(waiting).endsWith("@exports");
	}

	@Test
	void anInstanceWithoutTheHandlerOfATypeSubmitsToTheQueueOfTheInstancesThatHandleIt() {
		Set<String> sent = ConcurrentHashMap.newKeySet();
		GuardedRedis redis = TestGuards.bounded(connectionFactory, Duration.ofSeconds(2));
		RedisTaskQueue worker = started("worker", Duration.ofSeconds(30), redis);
		worker.register(new TaskRegistration("send-email", "emails", (task) -> {
			sent.add(task.id());
			return HandlingOutcome.success(null);
		}, "worker"));
		TaskKeys keys = new TaskKeys(new RedisKeys(this.prefix));
		await().atMost(WAIT)
			.until(() -> redis.call((commands) -> commands.hget(keys.routes(), TaskKeys.bytes("send-email"))) != null);

		RedisTaskQueue web = started("web", Duration.ofSeconds(30), redis);
		String id = web.submit("send-email", Map.of("to", "someone"));
		assertThat(id).endsWith("@emails");
		await().atMost(WAIT).until(() -> sent.contains(id));
	}

	@Test
	void anIdleWorkerPicksUpTasksAndDelayedTasksOfAnotherInstanceLongBeforeItWouldPollAgain() {
		Duration poll = Duration.ofSeconds(30);
		Map<String, Long> ranAt = new ConcurrentHashMap<>();
		GuardedRedis redis = TestGuards.bounded(connectionFactory, Duration.ofSeconds(2));
		RedisTaskQueue worker = startedWithWakeUps("worker", poll, redis);
		worker.register(new TaskRegistration("ping", "pings", (task) -> {
			ranAt.put(task.id(), System.nanoTime());
			return HandlingOutcome.success(null);
		}, "worker"));
		RedisTaskQueue submitter = startedWithWakeUps("submitter", poll, redis);
		TaskKeys keys = new TaskKeys(new RedisKeys(this.prefix));
		await().atMost(WAIT).until(() -> worker.wakeUps().isListening(keys.wakeChannel("pings")));

		String now = submitter.submit("ping", Map.of("n", 1), TaskOptions.defaults().inQueue("pings"));
		await().atMost(Duration.ofSeconds(10)).until(() -> ranAt.containsKey(now));
		long submitted = System.nanoTime();
		String later = submitter.submit("ping", Map.of("n", 2),
				TaskOptions.defaults().inQueue("pings").withDelay(Duration.ofMillis(500)));
		await().atMost(Duration.ofSeconds(10)).until(() -> ranAt.containsKey(later));
		assertThat(Duration.ofNanos(ranAt.get(later) - submitted)).as("not before it is due")
			.isGreaterThanOrEqualTo(Duration.ofMillis(450));
	}

	private RedisTaskQueue startedWithWakeUps(String worker, Duration poll, GuardedRedis redis) {
		TaskQueueSettings settings = new TaskQueueSettings(
				new RetryPolicy(3, Backoff.exponential(Duration.ofMillis(10), Duration.ofMillis(50))), Map.of(), 4,
				Duration.ofMinutes(5), 100);
		RedisTaskQueue queue = new RedisTaskQueue(settings,
				new RedisTaskQueueSettings(worker, Duration.ofSeconds(30), poll, () -> 0), redis,
				new DedicatedConnections(connectionFactory), new RedisKeys(this.prefix), this.codec,
				TaskQueueObserver.NONE);
		queue.start();
		this.queues.add(queue);
		return queue;
	}

	@Test
	void aQueuesRateLimitHoldsAcrossInstancesSharingOneRedisRateLimiter() {
		GuardedRedis redis = TestGuards.bounded(connectionFactory, Duration.ofSeconds(2));
		QueueRateLimits limits = new QueueRateLimits(
				new RateLimiterPermits(new RedisRateLimiter(redis, new RedisKeys(this.prefix))),
				Map.of("reports", new PermitLimit("tasks-reports", 5, Duration.ofHours(1), 0)));
		Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
		List<RedisTaskQueue> instances = new ArrayList<>();
		for (String worker : List.of("instance-1", "instance-2")) {
			TaskQueueSettings settings = new TaskQueueSettings(
					new RetryPolicy(3, Backoff.exponential(Duration.ofMillis(10), Duration.ofMillis(50))), Map.of(), 4,
					Duration.ofMinutes(5), 100, limits);
			RedisTaskQueue queue = new RedisTaskQueue(settings, RedisTaskQueueSettings.of(worker, Duration.ofSeconds(30)),
					redis, new RedisKeys(this.prefix), this.codec);
			queue.register(new TaskRegistration("report", "reports", counting(runs, ConcurrentHashMap.newKeySet()),
					worker));
			queue.start();
			this.queues.add(queue);
			instances.add(queue);
		}
		for (int i = 0; i < 20; i++) {
			instances.get(i % 2).submit("report", Map.of("n", i));
		}
		await().atMost(WAIT).until(() -> runs.size() == 5);
		await().during(Duration.ofSeconds(2)).atMost(WAIT).until(() -> runs.size() == 5);
		assertThat(instances.get(0).queues()).filteredOn((queue) -> queue.queue().equals("reports"))
			.singleElement()
			.satisfies((queue) -> assertThat(queue.waiting()).isEqualTo(15));
	}

	private RedisTaskQueue started(String worker, Duration lease, GuardedRedis redis) {
		TaskQueueSettings settings = new TaskQueueSettings(
				new RetryPolicy(3, Backoff.exponential(Duration.ofMillis(10), Duration.ofMillis(50))), Map.of(), 4,
				Duration.ofMinutes(5), 100);
		RedisTaskQueue queue = new RedisTaskQueue(settings, RedisTaskQueueSettings.of(worker, lease), redis,
				new RedisKeys(this.prefix), this.codec);
		queue.start();
		this.queues.add(queue);
		return queue;
	}

	private static TaskRunner counting(Map<String, AtomicInteger> runs, Set<String> here) {
		return (task) -> {
			runs.computeIfAbsent(task.id(), (id) -> new AtomicInteger()).incrementAndGet();
			here.add(task.id());
			return HandlingOutcome.success(null);
		};
	}

}
