package dev.scalability.tasks.redis;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import dev.scalability.delivery.Backoff;
import dev.scalability.delivery.HandlingOutcome;
import dev.scalability.delivery.JacksonPayloadCodec;
import dev.scalability.delivery.PayloadCodec;
import dev.scalability.delivery.RetryPolicy;
import dev.scalability.redis.DedicatedConnections;
import dev.scalability.redis.GuardedRedis;
import dev.scalability.redis.RedisConnector;
import dev.scalability.redis.RedisKeys;
import dev.scalability.redis.TestGuards;
import dev.scalability.tasks.QueueSnapshot;
import dev.scalability.tasks.TaskDeadLetter;
import dev.scalability.tasks.TaskOptions;
import dev.scalability.tasks.TaskPriority;
import dev.scalability.tasks.TaskQueueObserver;
import dev.scalability.tasks.TaskQueueSettings;
import dev.scalability.tasks.TaskRegistration;
import dev.scalability.tasks.TaskRunner;
import dev.scalability.tasks.TaskState;
import dev.scalability.tasks.TaskStatus;
import dev.scalability.test.redis.LettuceFactories;
import dev.scalability.test.redis.RedisClusterProcesses;
import dev.scalability.test.redis.RedisServerProcess;
import dev.scalability.test.redis.TestRedis;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * On a Redis Cluster of three masters: queues whose hash tags land on every master submit
 * (ready, delayed, by priority, with an idempotency key), run, retry with backoff, keep
 * dead letters, redrive them, report status and counts, renew leases and hand the tasks of
 * a vanished worker to another. Every script touches one slot: no command fails or is
 * refused on any master ({@code CROSSSLOT}, {@code MOVED}, a key of another slot) but the
 * first {@code EVALSHA} of a script ({@code NOSCRIPT}), and each master holds the keys of
 * exactly the queues whose slot it serves.
 */
class RedisClusterTaskQueueTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	/**
	 * The longest wait of one call: ten of them fit in the lease, as the auto-configuration
	 * requires.
	 */
	private static final Duration TIMEOUT = Duration.ofMillis(200);

	private static final Duration LEASE = Duration.ofSeconds(2);

	private static final int QUEUES = 9;

	private static RedisClusterProcesses cluster;

	private static LettuceConnectionFactory connectionFactory;

	/**
	 * The workers' calls, bounded by the short timeout.
	 */
	private static GuardedRedis redis;

	/**
	 * The calls of the instance the test submits and looks through, which a loaded machine
	 * does not make fail.
	 */
	private static GuardedRedis patientRedis;

	private final PayloadCodec codec = new JacksonPayloadCodec(JsonMapper.builder().build());

	private final String prefix = "cluster-tasks:" + UUID.randomUUID().toString().substring(0, 8) + ":";

	private final List<String> queueNames = new ArrayList<>();

	private final List<RedisTaskQueue> started = new ArrayList<>();

	private final List<LettuceConnectionFactory> ownConnections = new ArrayList<>();

	/**
	 * Holds the tasks of a worker that vanishes, until the test ends.
	 */
	private final CountDownLatch never = new CountDownLatch(1);

	private RedisTaskQueue operator;

	@BeforeAll
	static void startCluster() {
		TestRedis.requireRedisServerOnPath();
		cluster = RedisClusterProcesses.start(3, 0);
		connectionFactory = LettuceFactories.cluster(cluster.endpoints());
		RedisConnector connector = connected(connectionFactory);
		redis = new GuardedRedis(connector, TIMEOUT, null);
		patientRedis = new GuardedRedis(connector, Duration.ofSeconds(2), null);
	}

	@AfterAll
	static void stopCluster() {
		if (connectionFactory != null) {
			connectionFactory.destroy();
		}
		if (cluster != null) {
			cluster.close();
		}
	}

	@BeforeEach
	void createOperator() {
		// An instance that runs no task: it submits and tells what it sees.
		this.operator = queue("operator", patientRedis);
	}

	@AfterEach
	void stopQueues() {
		this.never.countDown();
		this.started.forEach((queue) -> queue.stop(Duration.ofSeconds(5)));
		this.ownConnections.forEach(LettuceConnectionFactory::destroy);
	}

	@Test
	void queuesOnEveryMasterRunReadyTasksByPriorityDelayedOnesAfterTheirDelayAndAnIdempotencyKeyOnce() {
		Map<String, Queue<String>> labels = new ConcurrentHashMap<>();
		Map<String, Instant> ranAt = new ConcurrentHashMap<>();
		RedisTaskQueue queue = queue("instance-1", redis);
		for (String name : queues()) {
			labels.put(name, new ConcurrentLinkedQueue<>());
			queue.register(new TaskRegistration("work-" + name, name, (task) -> {
				ranAt.put(task.id(), Instant.now());
				labels.get(name).add(label(task.payload()));
				return HandlingOutcome.success(null);
			}, "work in " + name));
		}
		Duration delay = Duration.ofMillis(300);
		Map<String, String> delayed = new LinkedHashMap<>();
		Map<String, String> once = new LinkedHashMap<>();
		List<String> ids = new ArrayList<>();
		// Submitted while the queue does not run: with one thread per queue they then run in order.
		for (String name : queues()) {
			String type = "work-" + name;
			TaskOptions options = TaskOptions.defaults().inQueue(name);
			ids.add(this.operator.submit(type, new Work("low"), options.withPriority(TaskPriority.LOW)));
			ids.add(this.operator.submit(type, new Work("normal"), options));
			ids.add(this.operator.submit(type, new Work("high"), options.withPriority(TaskPriority.HIGH)));
			ids.add(this.operator.submit(type, new Work("critical"), options.withPriority(TaskPriority.CRITICAL)));
			TaskOptions keyed = options.withIdempotencyKey("order-of-" + name);
			String first = this.operator.submit(type, new Work("once"), keyed);
			assertThat(this.operator.submit(type, new Work("twice"), keyed)).as("the second submit with its key")
				.isEqualTo(first);
			once.put(name, first);
			ids.add(first);
			String later = this.operator.submit(type, new Work("delayed"), options.withDelay(delay));
			delayed.put(name, later);
			ids.add(later);
			assertThat(state(later)).isEqualTo(TaskState.DELAYED);
			assertThat(state(first)).isEqualTo(TaskState.WAITING);
		}
		assertQueuesSpreadOverEveryMaster();
		assertThat(this.operator.queues()).extracting(QueueSnapshot::queue).containsExactlyElementsOf(queues());
		assertThat(this.operator.queues()).allSatisfy((snapshot) -> {
			assertThat(snapshot.waiting()).isEqualTo(5);
			assertThat(snapshot.delayed()).isOne();
		});

		queue.start();
		this.started.add(queue);
		await().atMost(WAIT).until(() -> ids.stream().allMatch((id) -> state(id) == TaskState.SUCCEEDED));
		for (String name : queues()) {
			assertThat(labels.get(name)).as("the tasks of %s in the order they ran", name)
				.filteredOn((label) -> !label.equals("delayed"))
				.containsExactly("critical", "high", "normal", "once", "low");
			assertThat(labels.get(name)).filteredOn("delayed"::equals).hasSize(1);
			TaskStatus later = this.operator.status(delayed.get(name)).orElseThrow();
			assertThat(ranAt.get(later.id())).as("when the delayed task of %s ran", name)
				.isAfterOrEqualTo(later.submittedAt().plus(delay));
			TaskStatus keyed = this.operator.status(once.get(name)).orElseThrow();
			assertThat(keyed.queue()).isEqualTo(name);
			assertThat(keyed.idempotencyKey()).isEqualTo("order-of-" + name);
			assertThat(keyed.duplicateSubmits()).isOne();
		}
		assertThat(ids).allSatisfy((id) -> assertThat(this.operator.status(id).orElseThrow().attempts()).isOne());
		assertThat(this.operator.queues()).allSatisfy((snapshot) -> assertThat(snapshot.pending()).isZero());
		assertNoScriptFailedOnAnyMaster();
	}

	@Test
	void failingTasksOnEveryMasterAreRetriedAfterTheirBackoffThenKeptAsDeadLettersUntilRedriven() {
		Map<String, Queue<Long>> tries = new ConcurrentHashMap<>();
		AtomicBoolean poisonous = new AtomicBoolean(true);
		RedisTaskQueue queue = queue("instance-1", redis);
		for (String name : queues()) {
			queue.register(new TaskRegistration("work-" + name, name, (task) -> {
				Queue<Long> times = tries.computeIfAbsent(task.id(), (id) -> new ConcurrentLinkedQueue<>());
				times.add(System.nanoTime());
				String label = label(task.payload());
				if (label.equals("flaky") && times.size() <= 2) {
					throw new IllegalStateException("flaky try " + times.size() + " in " + name);
				}
				if (label.equals("poison") && poisonous.get()) {
					throw new IllegalArgumentException("poison in " + name);
				}
				return HandlingOutcome.success(null);
			}, "work in " + name));
		}
		queue.start();
		this.started.add(queue);
		Map<String, String> flaky = new LinkedHashMap<>();
		Map<String, String> poison = new LinkedHashMap<>();
		for (String name : queues()) {
			TaskOptions options = TaskOptions.defaults().inQueue(name);
			flaky.put(name, this.operator.submit("work-" + name, new Work("flaky"), options));
			poison.put(name, this.operator.submit("work-" + name, new Work("poison"), options.withMaxAttempts(2)));
		}
		assertQueuesSpreadOverEveryMaster();
		await().atMost(WAIT)
			.until(() -> flaky.values().stream().allMatch((id) -> state(id) == TaskState.SUCCEEDED)
					&& poison.values().stream().allMatch((id) -> state(id) == TaskState.DEAD));

		for (String id : flaky.values()) {
			assertThat(this.operator.status(id).orElseThrow().attempts()).isEqualTo(3);
			List<Long> times = List.copyOf(tries.get(id));
			assertThat(times).hasSize(3);
			// Backoff of 100 ms then 200 ms, 20 % either way.
			assertThat(Duration.ofNanos(times.get(1) - times.get(0))).as("the wait before the first retry")
				.isGreaterThanOrEqualTo(Duration.ofMillis(79));
			assertThat(Duration.ofNanos(times.get(2) - times.get(1))).as("the wait before the second retry")
				.isGreaterThanOrEqualTo(Duration.ofMillis(159));
		}
		for (Map.Entry<String, String> entry : poison.entrySet()) {
			TaskStatus status = this.operator.status(entry.getValue()).orElseThrow();
			assertThat(status.attempts()).isEqualTo(2);
			assertThat(status.lastError()).contains("IllegalArgumentException: poison in " + entry.getKey());
		}
		assertThat(this.operator.deadLetters()).extracting(TaskDeadLetter::id)
			.containsExactlyInAnyOrderElementsOf(poison.values());
		assertThat(this.operator.deadLetters()).allSatisfy((letter) -> {
			assertThat(letter.attempts()).isEqualTo(2);
			assertThat(letter.error()).contains("poison in " + letter.queue());
			assertThat(letter.id()).isEqualTo(poison.get(letter.queue()));
		});
		assertThat(this.operator.queues()).hasSize(QUEUES).allSatisfy((snapshot) -> {
			assertThat(snapshot.dead()).isOne();
			assertThat(snapshot.pending()).isZero();
		});

		poisonous.set(false);
		String first = poison.get(queues().get(0));
		assertThat(this.operator.redrive(first)).isTrue();
		await().atMost(WAIT).until(() -> state(first) == TaskState.SUCCEEDED);
		assertThat(this.operator.status(first).orElseThrow().attempts()).as("tries counted from zero again").isOne();
		assertThat(this.operator.redriveAll()).isEqualTo(QUEUES - 1);
		await().atMost(WAIT)
			.until(() -> poison.values().stream().allMatch((id) -> state(id) == TaskState.SUCCEEDED));
		assertThat(this.operator.deadLetters()).isEmpty();
		assertThat(this.operator.queues()).allSatisfy((snapshot) -> {
			assertThat(snapshot.dead()).isZero();
			assertThat(snapshot.pending()).isZero();
		});
		assertNoScriptFailedOnAnyMaster();
	}

	@Test
	void leasesOnEveryMasterAreRenewedWhileTheirWorkerLivesAndGivenToAnotherOnceItVanishes() {
		LettuceConnectionFactory vanishingConnection = LettuceFactories.cluster(cluster.endpoints());
		this.ownConnections.add(vanishingConnection);
		Map<String, Queue<String>> starts = new ConcurrentHashMap<>();
		RedisTaskQueue vanishing = queue("vanishing",
				new GuardedRedis(connected(vanishingConnection), TIMEOUT, null));
		RedisTaskQueue survivor = queue("survivor", redis);
		for (String name : queues()) {
			vanishing.register(new TaskRegistration("work-" + name, name, (task) -> {
				starts.computeIfAbsent(task.id(), (id) -> new ConcurrentLinkedQueue<>()).add("vanishing");
				try {
					this.never.await();
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				return HandlingOutcome.success(null);
			}, "work in " + name + " that never ends"));
			survivor.register(new TaskRegistration("work-" + name, name, recording(starts, "survivor"),
					"work in " + name));
		}
		vanishing.start();
		this.started.add(vanishing);
		List<String> ids = new ArrayList<>();
		for (String name : queues()) {
			ids.add(this.operator.submit("work-" + name, new Work("long"), TaskOptions.defaults().inQueue(name)));
		}
		assertQueuesSpreadOverEveryMaster();
		await().atMost(WAIT).until(() -> starts.keySet().containsAll(ids));
		survivor.start();
		this.started.add(survivor);
		// Longer than a lease: each task stays with the worker that renews it.
		await().during(LEASE.plus(LEASE.dividedBy(2)))
			.atMost(WAIT)
			.until(() -> ids.stream()
				.allMatch((id) -> starts.get(id).size() == 1 && state(id) == TaskState.RUNNING));

		// Its connection gone, it renews and settles nothing: as dead as a killed process.
		vanishingConnection.destroy();
		await().atMost(WAIT).until(() -> ids.stream().allMatch((id) -> state(id) == TaskState.SUCCEEDED));
		assertThat(ids).allSatisfy((id) -> {
			assertThat(starts.get(id)).containsExactly("vanishing", "survivor");
			assertThat(this.operator.status(id).orElseThrow().attempts()).as("the try that vanished counted")
				.isEqualTo(2);
		});
		assertNoScriptFailedOnAnyMaster();
	}

	@Test
	void idleWorkersOfQueuesOnEveryMasterAreWokenBySubmitsOfAnotherInstance() {
		Map<String, Queue<String>> starts = new ConcurrentHashMap<>();
		TaskQueueSettings settings = new TaskQueueSettings(
				new RetryPolicy(3, Backoff.exponential(Duration.ofMillis(100), Duration.ofMillis(400))), Map.of(), 1,
				Duration.ofMinutes(5), 100);
		// Idle workers look again only after a minute: what they run sooner, a wake-up told them.
		RedisTaskQueue worker = new RedisTaskQueue(settings,
				new RedisTaskQueueSettings("woken", LEASE, Duration.ofMinutes(1), () -> 0), patientRedis,
				new DedicatedConnections(connectionFactory), new RedisKeys(this.prefix), this.codec,
				TaskQueueObserver.NONE);
		for (String name : queues()) {
			worker.register(new TaskRegistration("work-" + name, name, recording(starts, "woken"), "work in " + name));
		}
		worker.start();
		this.started.add(worker);
		TaskKeys keys = new TaskKeys(new RedisKeys(this.prefix));
		await().atMost(WAIT)
			.until(() -> queues().stream().allMatch((name) -> worker.wakeUps().isListening(keys.wakeChannel(name))));
		// Once every fetcher found its queue empty and waits.
		await().during(Duration.ofMillis(500)).atMost(WAIT).until(starts::isEmpty);
		List<String> ids = new ArrayList<>();
		for (String name : queues()) {
			ids.add(this.operator.submit("work-" + name, new Work("now"), TaskOptions.defaults().inQueue(name)));
		}
		await().atMost(Duration.ofSeconds(20)).until(() -> starts.keySet().containsAll(ids));
		assertQueuesSpreadOverEveryMaster();
		assertNoScriptFailedOnAnyMaster();
	}

	/**
	 * Queue names whose hash tags land on every master, a third of them on each.
	 */
	private List<String> queues() {
		if (this.queueNames.isEmpty()) {
			Map<Integer, List<String>> byMaster = new LinkedHashMap<>();
			List<RedisServerProcess> masters = cluster.masters();
			for (int i = 0; byMaster.values().stream().mapToInt(List::size).sum() < QUEUES; i++) {
				String name = "queue-" + i;
				List<String> onMaster = byMaster.computeIfAbsent(masters.indexOf(cluster.nodeForKey(key(name, ""))),
						(index) -> new ArrayList<>());
				if (onMaster.size() < QUEUES / masters.size()) {
					onMaster.add(name);
				}
			}
			byMaster.values().forEach(this.queueNames::addAll);
			this.queueNames.sort(null);
		}
		return this.queueNames;
	}

	/**
	 * Each master holds the keys of exactly the queues whose slot it serves, and every master
	 * holds some.
	 */
	private void assertQueuesSpreadOverEveryMaster() {
		List<RedisServerProcess> masters = cluster.masters();
		assertThat(masters).hasSize(3);
		Set<String> seen = new HashSet<>();
		for (RedisServerProcess master : masters) {
			Set<String> expected = queues().stream()
				.filter((name) -> cluster.nodeForKey(key(name, ":task:")).equals(master))
				.collect(Collectors.toCollection(TreeSet::new));
			Set<String> held = queuesHeldBy(master);
			assertThat(held).as("the queues whose keys %s holds", master).isNotEmpty().isEqualTo(expected);
			seen.addAll(held);
		}
		assertThat(seen).containsExactlyInAnyOrderElementsOf(queues());
	}

	private Set<String> queuesHeldBy(RedisServerProcess master) {
		RedisClient client = RedisClient.create(RedisURI.create(master.endpoint().url()));
		try (StatefulRedisConnection<String, String> connection = client.connect()) {
			String start = this.prefix + "tasks:{";
			// A queue's keys have a suffix after its tag; the registries of queues and routes
			// have none.
			return connection.sync()
				.keys(this.prefix + "*")
				.stream()
				.filter((key) -> !key.endsWith("}"))
				.map((key) -> key.substring(start.length(), key.indexOf('}')))
				.collect(Collectors.toCollection(TreeSet::new));
		}
		finally {
			client.shutdown();
		}
	}

	/**
	 * No command failed on any master, nor was refused ({@code CROSSSLOT}, {@code MOVED}, a
	 * script touching a key of another slot), but the first {@code EVALSHA} of each script,
	 * which the server did not know yet ({@code NOSCRIPT}). Unknown commands of the client's
	 * handshake ({@code CLIENT SETINFO} before Redis 7.2) count as errors of no command.
	 */
	private static void assertNoScriptFailedOnAnyMaster() {
		for (RedisServerProcess master : cluster.masters()) {
			Map<String, String> errors = master.info("errorstats");
			assertThat(errors.keySet()).as("the errors %s answered", master)
				.isSubsetOf("errorstat_ERR", "errorstat_NOSCRIPT");
			long unknownScripts = statistic(errors.getOrDefault("errorstat_NOSCRIPT", "count=0"), "count");
			master.info("commandstats").forEach((command, statistics) -> {
				assertThat(statistic(statistics, "rejected_calls")).as("%s refused by %s", command, master).isZero();
				assertThat(statistic(statistics, "failed_calls")).as("%s failed on %s", command, master)
					.isEqualTo(command.equals("cmdstat_evalsha") ? unknownScripts : 0);
			});
		}
	}

	/**
	 * A number of a line of {@code INFO}, such as {@code calls=3,failed_calls=0}.
	 */
	private static long statistic(String line, String name) {
		for (String field : line.split(",")) {
			if (field.startsWith(name + "=")) {
				return Long.parseLong(field.substring(name.length() + 1));
			}
		}
		throw new IllegalArgumentException("no " + name + " in " + line);
	}

	private String key(String queue, String suffix) {
		return this.prefix + "tasks:{" + RedisKeys.tag(queue) + "}" + suffix;
	}

	private RedisTaskQueue queue(String worker, GuardedRedis guard) {
		TaskQueueSettings settings = new TaskQueueSettings(
				new RetryPolicy(3, Backoff.exponential(Duration.ofMillis(100), Duration.ofMillis(400))), Map.of(), 1,
				Duration.ofMinutes(5), 100);
		return new RedisTaskQueue(settings, RedisTaskQueueSettings.of(worker, LEASE), guard,
				new RedisKeys(this.prefix), this.codec);
	}

	/**
	 * A connection made first, as an application's is at start-up.
	 */
	private static RedisConnector connected(LettuceConnectionFactory factory) {
		RedisConnector connector = TestGuards.connector(factory);
		new GuardedRedis(connector, Duration.ofSeconds(10), null).call((commands) -> commands.clusterMyId());
		return connector;
	}

	private String label(String payload) {
		return ((Work) this.codec.read(payload, Work.class)).label();
	}

	private TaskState state(String id) {
		return this.operator.status(id).map(TaskStatus::state).orElse(null);
	}

	private static TaskRunner recording(Map<String, Queue<String>> starts, String worker) {
		return (task) -> {
			starts.computeIfAbsent(task.id(), (id) -> new ConcurrentLinkedQueue<>()).add(worker);
			return HandlingOutcome.success(null);
		};
	}

	record Work(String label) {

	}

}
