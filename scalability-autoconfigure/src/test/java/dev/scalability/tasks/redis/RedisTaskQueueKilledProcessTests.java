package dev.scalability.tasks.redis;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

import dev.scalability.delivery.Backoff;
import dev.scalability.delivery.HandlingOutcome;
import dev.scalability.delivery.JacksonPayloadCodec;
import dev.scalability.delivery.RetryPolicy;
import dev.scalability.redis.GuardedRedis;
import dev.scalability.redis.RedisConnector;
import dev.scalability.redis.RedisKeys;
import dev.scalability.redis.TestGuards;
import dev.scalability.tasks.QueueSnapshot;
import dev.scalability.tasks.TaskQueueSettings;
import dev.scalability.tasks.TaskRegistration;
import dev.scalability.tasks.TaskState;
import dev.scalability.tasks.TaskStatus;
import dev.scalability.test.redis.PrivateRedis;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

/**
 * A process killed (SIGKILL) while it runs tasks of a Redis task queue loses none of them:
 * another instance runs every task to success once the leases of the dead process run out,
 * and the only tasks that run twice are those the dead process was running, each with both
 * of its tries counted.
 */
class RedisTaskQueueKilledProcessTests {

	static final String TYPE = "long-work";

	/**
	 * The longest wait of one call: ten of them fit in the lease, as the auto-configuration
	 * requires.
	 */
	static final Duration TIMEOUT = Duration.ofMillis(200);

	static final Duration LEASE = Duration.ofSeconds(2);

	private static final Duration WAIT = Duration.ofSeconds(20);

	private static final int TASKS = 12;

	private static final int THREADS_OF_THE_KILLED_PROCESS = 3;

	private final String prefix = "killed:" + UUID.randomUUID().toString().substring(0, 8) + ":";

	private final byte[] starts = (this.prefix + "starts").getBytes(StandardCharsets.UTF_8);

	private PrivateRedis redis;

	/**
	 * The test's own calls, which a loaded machine does not make fail.
	 */
	private GuardedRedis patient;

	/**
	 * An instance that runs no task: it submits and tells what it sees.
	 */
	private RedisTaskQueue operator;

	private RedisTaskQueue survivor;

	private Process process;

	private Path processOutput;

	/**
	 * The settings of the killed process and of the survivor: they differ in their threads.
	 */
	static TaskQueueSettings settings(int threads) {
		return new TaskQueueSettings(new RetryPolicy(3, Backoff.exponential(Duration.ofMillis(10), Duration.ofMillis(50))),
				Map.of(), threads, Duration.ofMinutes(5), 100);
	}

	@BeforeEach
	void startRedis() {
		this.redis = PrivateRedis.start();
		RedisConnector connector = TestGuards.connector(this.redis.connectionFactory());
		// Connected first, as an application is once it started.
		new GuardedRedis(connector, Duration.ofSeconds(10), null).call((commands) -> commands.ping());
		this.patient = new GuardedRedis(connector, Duration.ofSeconds(2), null);
		this.operator = queue("operator", this.patient);
		this.survivor = queue("survivor", new GuardedRedis(connector, TIMEOUT, null));
	}

	@AfterEach
	void stop() throws Exception {
		try {
			if (this.process != null) {
				this.process.destroyForcibly();
				this.process.waitFor(10, TimeUnit.SECONDS);
			}
			if (this.survivor != null) {
				this.survivor.stop(Duration.ofSeconds(5));
			}
		}
		finally {
			if (this.redis != null) {
				this.redis.close();
			}
			if (this.processOutput != null) {
				Files.deleteIfExists(this.processOutput);
			}
		}
	}

	@Test
	void everyTaskOfAKilledProcessSucceedsElsewhereAndOnlyThoseItWasRunningRunTwice() throws Exception {
		this.survivor.register(new TaskRegistration(TYPE, "default", (task) -> {
			this.patient.call((commands) -> commands.rpush(this.starts, task.id().getBytes(StandardCharsets.UTF_8)));
			return HandlingOutcome.success(null);
		}, "a task that ends at once"));
		List<String> ids = new ArrayList<>();
		for (int i = 0; i < TASKS; i++) {
			ids.add(this.operator.submit(TYPE, Map.of("n", i)));
		}
		this.process = startProcess("doomed");
		awaitOrShowProcessOutput(() -> await().atMost(WAIT)
			.failFast("the process exited", () -> !this.process.isAlive())
			.until(() -> started().size() == THREADS_OF_THE_KILLED_PROCESS));
		Set<String> inFlight = Set.copyOf(started());
		assertThat(inFlight).hasSize(THREADS_OF_THE_KILLED_PROCESS);
		assertThat(ids).filteredOn((id) -> state(id) == TaskState.RUNNING)
			.as("the tasks leased to the process: those it runs, no other")
			.containsExactlyInAnyOrderElementsOf(inFlight);

		this.process.destroyForcibly();
		assertThat(this.process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		assertThat(this.process.exitValue()).as("the exit status of a process killed by SIGKILL").isEqualTo(128 + 9);
		this.survivor.start();
		await().atMost(WAIT).until(() -> ids.stream().allMatch((id) -> state(id) == TaskState.SUCCEEDED));

		Map<String, Long> runs = started().stream()
			.collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
		assertThat(runs.keySet()).as("the tasks that ever started").containsExactlyInAnyOrderElementsOf(ids);
		Set<String> runMoreThanOnce = runs.entrySet()
			.stream()
			.filter((entry) -> entry.getValue() > 1)
			.map(Map.Entry::getKey)
			.collect(Collectors.toSet());
		assertThat(runMoreThanOnce).as("the tasks run more than once").isSubsetOf(inFlight);
		for (String id : ids) {
			TaskStatus status = this.operator.status(id).orElseThrow();
			int tries = inFlight.contains(id) ? 2 : 1;
			assertThat(runs.get(id)).as("the starts of %s", id).isEqualTo(tries);
			assertThat(status.attempts()).as("the tries counted of %s", id).isEqualTo(tries);
		}
		assertThat(this.operator.queues()).singleElement().satisfies((snapshot) -> {
			assertThat(snapshot.pending()).isZero();
			assertThat(snapshot.dead()).isZero();
		});
	}

	/**
	 * Starts {@link LongTaskWorkerProcess} in a JVM of its own, small and quick to start,
	 * its output in a file.
	 */
	private Process startProcess(String worker) throws IOException {
		this.processOutput = Files.createTempFile("task-worker-", ".log");
		List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xms16m",
				"-Xmx128m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:-UsePerfData", "-Xshare:auto",
				"-cp", System.getProperty("java.class.path"), LongTaskWorkerProcess.class.getName(),
				Integer.toString(this.redis.server().port()), this.prefix, worker,
				Integer.toString(THREADS_OF_THE_KILLED_PROCESS), new String(this.starts, StandardCharsets.UTF_8));
		return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(this.processOutput.toFile()).start();
	}

	private void awaitOrShowProcessOutput(Runnable wait) throws IOException {
		try {
			wait.run();
		}
		catch (ConditionTimeoutException | TerminalFailureException ex) {
			fail(ex.getMessage() + "; the output of the process:\n" + Files.readString(this.processOutput), ex);
		}
	}

	private List<String> started() {
		return this.patient.call((commands) -> commands.lrange(this.starts, 0, -1))
			.stream()
			.map((id) -> new String(id, StandardCharsets.UTF_8))
			.toList();
	}

	private RedisTaskQueue queue(String worker, GuardedRedis redis) {
		return new RedisTaskQueue(settings(4), RedisTaskQueueSettings.of(worker, LEASE), redis,
				new RedisKeys(this.prefix), new JacksonPayloadCodec(JsonMapper.builder().build()));
	}

	private TaskState state(String id) {
		return this.operator.status(id).map(TaskStatus::state).orElse(null);
	}

}
