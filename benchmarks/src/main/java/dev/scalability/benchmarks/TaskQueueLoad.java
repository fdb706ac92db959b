package dev.scalability.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.lang.reflect.Method;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.event.AbstractSchedulerListener;
import com.github.kagkarlsson.scheduler.task.ExecutionComplete;
import com.github.kagkarlsson.scheduler.task.TaskDescriptor;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.scalability.autoconfigure.RedisGuards;
import dev.scalability.autoconfigure.ScalabilityProperties;
import dev.scalability.delivery.Backoff;
import dev.scalability.delivery.HandlerInvoker;
import dev.scalability.delivery.JacksonPayloadCodec;
import dev.scalability.delivery.PayloadCodec;
import dev.scalability.delivery.RetryPolicy;
import dev.scalability.redis.DedicatedConnections;
import dev.scalability.redis.GuardedRedis;
import dev.scalability.redis.RedisConnector;
import dev.scalability.redis.RedisKeys;
import dev.scalability.tasks.TaskOptions;
import dev.scalability.tasks.TaskQueueBackend;
import dev.scalability.tasks.TaskQueueObserver;
import dev.scalability.tasks.TaskQueueSettings;
import dev.scalability.tasks.TaskRegistration;
import dev.scalability.tasks.autoconfigure.TasksProperties;
import dev.scalability.tasks.memory.MemoryTaskQueue;
import dev.scalability.tasks.redis.RedisTaskQueue;
import dev.scalability.tasks.redis.RedisTaskQueueSettings;
import dev.scalability.time.MonotonicClock;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * No-op tasks submitted to a task queue and run by its handlers: the starter's Redis queue,
 * on a private {@code redis-server}, against db-scheduler, on a private PostgreSQL, with the
 * starter's memory queue as the ceiling of one JVM. All in one JVM, one after the other on
 * an emptied store, each after a warm-up of its own.
 * <p>
 * Each contender is set up the way its user would set it up: the starter's Redis queue as
 * its auto-configuration builds it by default (its properties' defaults, a
 * {@link GuardedRedis} with a Resilience4j circuit breaker from {@link RedisGuards}, the
 * handler called through a {@link HandlerInvoker} as a {@code @TaskHandler} method is);
 * db-scheduler with one one-time task scheduled to run now, polling with
 * {@code lock-and-fetch} as its documentation advises for high throughput, its immediate
 * execution enabled, and a HikariCP pool.
 * <p>
 * Three measurements per contender:
 * <ul>
 * <li><b>throughput</b>: {@value #SUBMITTERS} threads submit as fast as the handlers keep
 * up with, at most {@value #BACKLOG} tasks submitted and not completed yet, so that it
 * measures a steady state rather than how fast tasks pile up; {@value #CONCURRENCY}
 * handler threads; the result is the tasks completed per second (completed as the queue
 * records it: the starter's observer, db-scheduler's listener);</li>
 * <li><b>pickup latency when idle</b>: one thread submits {@value #IDLE_RATE} tasks a
 * second, evenly spaced, to {@value #CONCURRENCY} handler threads; from just before
 * {@code submit} to the start of the handler;</li>
 * <li><b>the trivial case</b>: {@value #TASKS_PER_MINUTE} tasks a minute (83 a second),
 * evenly spaced, to one handler thread: whether the queue keeps up, and its pickup
 * latency.</li>
 * </ul>
 * Arguments: seconds per measurement (default 15), then the contenders to run (default
 * all: {@code starter-redis}, {@code db-scheduler}, {@code starter-memory}). Each
 * contender first runs once unmeasured, so that the JIT has compiled what they share
 * before any is measured.
 */
public final class TaskQueueLoad {

	static final String TYPE = "noop";

	static final String QUEUE = "default";

	private static final TaskOptions SUBMIT_OPTIONS = TaskOptions.defaults().inQueue(QUEUE);

	static final int CONCURRENCY = 8;

	static final int SUBMITTERS = 8;

	static final int BACKLOG = 1_000;

	static final int IDLE_RATE = 20;

	static final int TASKS_PER_MINUTE = 5_000;

	/**
	 * How often db-scheduler looks for due tasks when nothing woke it: its immediate
	 * execution wakes it at each task scheduled to run now, so this only bounds how late a
	 * missed wake-up is made up for (its default is 10 s).
	 */
	static final Duration DB_SCHEDULER_POLLING_INTERVAL = Duration.ofMillis(100);

	/**
	 * db-scheduler's {@code lock-and-fetch} limits, in handler threads: a fetch once no more
	 * than one task per thread is left, up to four per thread, as its documentation advises
	 * for high throughput.
	 */
	static final double LOCK_AND_FETCH_LOWER = 1.0;

	static final double LOCK_AND_FETCH_UPPER = 4.0;

	static final String DB_SCHEDULER_TABLE = """
			create table scheduled_tasks (
			  task_name text not null,
			  task_instance text not null,
			  task_data bytea,
			  execution_time timestamp with time zone not null,
			  picked boolean not null,
			  picked_by text,
			  last_success timestamp with time zone,
			  last_failure timestamp with time zone,
			  consecutive_failures int,
			  last_heartbeat timestamp with time zone,
			  version bigint not null,
			  priority smallint,
			  primary key (task_name, task_instance)
			)""";

	static final List<String> DB_SCHEDULER_INDEXES = List.of(
			"create index execution_time_idx on scheduled_tasks (execution_time)",
			"create index last_heartbeat_idx on scheduled_tasks (last_heartbeat)",
			"create index priority_execution_time_idx on scheduled_tasks (priority desc, execution_time asc)");

	private static final String STARTER_REDIS = "starter-redis";

	private static final String STARTER_REDIS_ASYNC = "starter-redis-async";

	private static final String DB_SCHEDULER = "db-scheduler";

	private static final String STARTER_MEMORY = "starter-memory";

	private static final AtomicLong FAILED_SUBMITS = new AtomicLong();

	private static final AtomicLong FAILED_TASKS = new AtomicLong();

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private TaskQueueLoad() {
	}

	public static void main(String[] args) throws Exception {
		int seconds = (args.length > 0) ? Integer.parseInt(args[0]) : 15;
		List<String> contenders = (args.length > 1) ? List.of(args).subList(1, args.length)
				: List.of(STARTER_REDIS, STARTER_REDIS_ASYNC, DB_SCHEDULER, STARTER_MEMORY);
		Map<String, Throughput> throughput = new LinkedHashMap<>();
		Map<String, Pickup> idle = new LinkedHashMap<>();
		Map<String, Pickup> trivial = new LinkedHashMap<>();
		try (Stores stores = Stores.start(contenders)) {
			printSetup(contenders, stores);
			// The JIT compiles what every contender shares (the submitting loops, Jackson,
			// HdrHistogram) while the first one runs: a round of each, not measured, keeps the
			// first from paying for all.
			for (String name : contenders) {
				stores.empty();
				throughput(name + " (JVM warm-up)", contender(name, stores), stores, seconds);
			}
			for (String name : contenders) {
				ContenderFactory factory = contender(name, stores);
				stores.empty();
				throughput.put(name, throughput(name, factory, stores, seconds));
				stores.empty();
				idle.put(name, pickup(name, "idle, " + IDLE_RATE + "/s", factory, CONCURRENCY,
						TimeUnit.SECONDS.toNanos(1) / IDLE_RATE, seconds));
				stores.empty();
				trivial.put(name, pickup(name, String.format(Locale.ROOT, "%,d/min", TASKS_PER_MINUTE), factory, 1,
						TimeUnit.MINUTES.toNanos(1) / TASKS_PER_MINUTE, seconds));
			}
		}
		printTables(throughput, idle, trivial);
		long failedSubmits = FAILED_SUBMITS.get();
		long failedTasks = FAILED_TASKS.get();
		if (failedSubmits > 0 || failedTasks > 0) {
			System.out.println();
			System.out.println(failedSubmits + " submits and " + failedTasks + " tries of tasks failed: see the log.");
		}
	}

	private static ContenderFactory contender(String name, Stores stores) {
		return switch (name) {
			case STARTER_REDIS -> (threads, sink) -> new StarterContender(threads, sink, stores.redis(), false);
			case STARTER_REDIS_ASYNC -> (threads, sink) -> new StarterContender(threads, sink, stores.redis(), true);
			case DB_SCHEDULER -> (threads, sink) -> new DbSchedulerContender(threads, sink, stores.postgres());
			case STARTER_MEMORY -> (threads, sink) -> new StarterContender(threads, sink, null, false);
			default -> throw new IllegalArgumentException("Unknown contender " + name);
		};
	}

	private static Throughput throughput(String name, ContenderFactory factory, Stores stores, int seconds)
			throws Exception {
		Sink sink = new Sink();
		AtomicLong submitted = new AtomicLong();
		Submitters submitters = new Submitters();
		try (Contender contender = factory.start(CONCURRENCY, sink)) {
			for (int i = 0; i < SUBMITTERS; i++) {
				submitters.start(() -> {
					while (submitters.running()) {
						if (submitted.get() - sink.completions() >= BACKLOG) {
							LockSupport.parkNanos(100_000);
							continue;
						}
						// Counted before it is sent, so that the backlog stays bounded.
						long sequence = submitted.incrementAndGet();
						if (!submit(contender, new NoOp(sequence, System.nanoTime()))) {
							submitted.decrementAndGet();
							LockSupport.parkNanos(1_000_000);
						}
					}
				});
			}
			log(name + ": throughput warm-up");
			Thread.sleep(Math.max(5, seconds / 2) * 1000L);
			long completedBefore = sink.completions();
			long submittedBefore = submitted.get();
			StoreWork storeBefore = contender.storeWork();
			long start = System.nanoTime();
			log(name + ": throughput measurement");
			Thread.sleep(seconds * 1000L);
			double elapsed = (System.nanoTime() - start) / 1e9;
			long completed = sink.completions() - completedBefore;
			long submits = submitted.get() - submittedBefore;
			StoreWork storeWork = contender.storeWork();
			submitters.stop();
			String perTask = (storeBefore != null && completed > 0) ? storeWork.since(storeBefore).perTask(completed)
					: "–";
			return new Throughput(completed / elapsed, submits / elapsed, perTask);
		}
	}

	private static Pickup pickup(String name, String load, ContenderFactory factory, int handlerThreads,
			long periodNanos, int seconds) throws Exception {
		Sink sink = new Sink();
		AtomicLong submitted = new AtomicLong();
		Submitters submitters = new Submitters();
		try (Contender contender = factory.start(handlerThreads, sink)) {
			long first = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
			submitters.start(() -> {
				for (long due = first; submitters.running(); due += periodNanos) {
					long wait = due - System.nanoTime();
					if (wait > 0) {
						LockSupport.parkNanos(wait);
					}
					long sequence = submitted.incrementAndGet();
					if (!submit(contender, new NoOp(sequence, System.nanoTime()))) {
						submitted.decrementAndGet();
					}
				}
			});
			log(name + ": pickup warm-up, " + load + " on " + handlerThreads + " handler thread(s)");
			Thread.sleep(Math.max(5, seconds / 3) * 1000L);
			sink.pickup.reset();
			long completedBefore = sink.completions();
			long submittedBefore = submitted.get();
			long start = System.nanoTime();
			log(name + ": pickup measurement, " + load);
			Thread.sleep(seconds * 1000L);
			Histogram histogram = sink.pickup.getIntervalHistogram();
			double elapsed = (System.nanoTime() - start) / 1e9;
			long completed = sink.completions() - completedBefore;
			long submits = submitted.get() - submittedBefore;
			long behind = submitted.get() - sink.completions();
			submitters.stop();
			return new Pickup(load, handlerThreads, submits / elapsed, completed / elapsed, histogram, behind);
		}
	}

	/**
	 * Submits a task, and tells the first failure.
	 * @return whether it was submitted
	 */
	private static boolean submit(Contender contender, NoOp task) {
		try {
			contender.submit(task);
			return true;
		}
		catch (RuntimeException ex) {
			if (FAILED_SUBMITS.getAndIncrement() == 0) {
				ex.printStackTrace();
			}
			return false;
		}
	}

	private static void printSetup(List<String> contenders, Stores stores) {
		System.out.println();
		System.out.println("- Load: no-op tasks. Throughput: " + SUBMITTERS + " submitting threads, at most "
				+ String.format(Locale.ROOT, "%,d", BACKLOG) + " tasks submitted and not completed, " + CONCURRENCY
				+ " handler threads. Pickup: from just before submit to the handler's start, one task at a time, "
				+ "evenly spaced; " + IDLE_RATE + "/s on " + CONCURRENCY + " handler threads, and "
				+ String.format(Locale.ROOT, "%,d", TASKS_PER_MINUTE) + "/min on one.");
		if (stores.redis() != null) {
			TasksProperties defaults = new TasksProperties();
			System.out.println("- " + STARTER_REDIS + ": RedisTaskQueue with the properties' defaults (lease "
					+ defaults.getVisibilityTimeout().toMinutes() + " min, records of completed tasks kept "
					+ defaults.getCompletedRetention().toHours() + " h, idle workers woken through pub/sub and "
					+ "polling at most every " + defaults.getPollInterval().toMillis()
					+ " ms); tasks submitted by a second instance without the handler, on a connection of its "
					+ "own; GuardedRedis from RedisGuards (timeout "
					+ new ScalabilityProperties.Redis().getTimeout().toMillis()
					+ " ms, Resilience4j circuit breaker); its private redis-server persists nothing "
					+ "(no RDB, no AOF).");
		}
		if (contenders.contains(STARTER_MEMORY)) {
			System.out.println("- " + STARTER_MEMORY + ": MemoryTaskQueue with the same settings (records of "
					+ "completed tasks kept in the heap).");
		}
		if (stores.postgres() != null) {
			System.out.println("- " + DB_SCHEDULER + " " + dbSchedulerVersion() + ": one one-time task, "
					+ "scheduleIfNotExists(...) to run now, data in Java serialization (its default); lock-and-fetch "
					+ "(lower " + LOCK_AND_FETCH_LOWER + ", upper " + LOCK_AND_FETCH_UPPER + " x threads), polling "
					+ "interval " + DB_SCHEDULER_POLLING_INTERVAL.toMillis() + " ms, immediate execution on; "
					+ "HikariCP pool of submitting + handler threads + 3.");
			System.out.println("- PostgreSQL: " + stores.postgres().settings()
					+ "; server defaults, but for the port, listen address and socket directory.");
		}
	}

	private static void printTables(Map<String, Throughput> throughput, Map<String, Pickup> idle,
			Map<String, Pickup> trivial) {
		System.out.println();
		System.out.println("| contender | tasks/s completed | submits/s | store work per task |");
		System.out.println("|---|---|---|---|");
		throughput.forEach((name, result) -> System.out.println(String.format(Locale.ROOT,
				"| %s | %,.0f | %,.0f | %s |", name, result.completedPerSecond(), result.submitsPerSecond(),
				result.storeWorkPerTask())));
		System.out.println();
		System.out.println("| contender | load | handler threads | submitted/s | completed/s | pickup p50 (ms) "
				+ "| p99 (ms) | max (ms) | tasks timed | left at the end | keeps up |");
		System.out.println("|---|---|---|---|---|---|---|---|---|---|---|");
		for (Map<String, Pickup> results : List.of(idle, trivial)) {
			results.forEach((name, result) -> {
				Histogram histogram = result.histogram();
				System.out.println(String.format(Locale.ROOT,
						"| %s | %s | %d | %.1f | %.1f | %.2f | %.2f | %.2f | %,d | %,d | %s |", name, result.load(),
						result.handlerThreads(), result.submittedPerSecond(), result.completedPerSecond(),
						millis(histogram.getValueAtPercentile(50)), millis(histogram.getValueAtPercentile(99)),
						millis(histogram.getMaxValue()), histogram.getTotalCount(), result.leftAtTheEnd(),
						result.keepsUp() ? "yes" : "**no**"));
			});
		}
		if (throughput.containsKey(STARTER_REDIS_ASYNC) && throughput.containsKey(DB_SCHEDULER)) {
			System.out.println();
			System.out.println("| measure | " + STARTER_REDIS_ASYNC + " | " + DB_SCHEDULER + " | " + STARTER_REDIS_ASYNC
					+ " / " + DB_SCHEDULER + " |");
			System.out.println("|---|---|---|---|");
			ratio("throughput, tasks/s (above 1: the starter is faster)",
					throughput.get(STARTER_REDIS_ASYNC).completedPerSecond(),
					throughput.get(DB_SCHEDULER).completedPerSecond(), "%,.0f");
		}
		if (throughput.containsKey(STARTER_REDIS) && throughput.containsKey(DB_SCHEDULER)) {
			System.out.println();
			System.out.println("| measure | " + STARTER_REDIS + " | " + DB_SCHEDULER + " | " + STARTER_REDIS + " / "
					+ DB_SCHEDULER + " |");
			System.out.println("|---|---|---|---|");
			ratio("throughput, tasks/s (above 1: the starter is faster)", throughput.get(STARTER_REDIS).completedPerSecond(),
					throughput.get(DB_SCHEDULER).completedPerSecond(), "%,.0f");
			for (Map<String, Pickup> results : List.of(idle, trivial)) {
				Pickup ours = results.get(STARTER_REDIS);
				Pickup theirs = results.get(DB_SCHEDULER);
				ratio("pickup p50 (ms), " + ours.load() + " (above 1: the starter is slower)",
						millis(ours.histogram().getValueAtPercentile(50)),
						millis(theirs.histogram().getValueAtPercentile(50)), "%.2f");
				ratio("pickup p99 (ms), " + ours.load() + " (above 1: the starter is slower)",
						millis(ours.histogram().getValueAtPercentile(99)),
						millis(theirs.histogram().getValueAtPercentile(99)), "%.2f");
			}
		}
	}

	private static void ratio(String measure, double ours, double theirs, String format) {
		String ratio = (theirs > 0) ? String.format(Locale.ROOT, "**%.2f**", ours / theirs) : "–";
		System.out.println(String.format(Locale.ROOT, "| %s | " + format + " | " + format + " | %s |", measure, ours,
				theirs, ratio));
	}

	private static String dbSchedulerVersion() {
		// The shaded jar has no manifest of db-scheduler's own, but keeps its pom.properties.
		try (InputStream in = Scheduler.class
			.getResourceAsStream("/META-INF/maven/com.github.kagkarlsson/db-scheduler/pom.properties")) {
			if (in != null) {
				Properties properties = new Properties();
				properties.load(in);
				return properties.getProperty("version", "(version unknown)");
			}
		}
		catch (IOException ex) {
			// Told as unknown.
		}
		return "(version unknown)";
	}

	private static double millis(long nanos) {
		return nanos / 1e6;
	}

	private static void log(String message) {
		System.err.println(java.time.LocalTime.now() + " " + message);
	}

	/**
	 * The task submitted: no work, only what the benchmark needs to time it.
	 * @param sequence its number
	 * @param submittedNanos when it was submitted, in {@link System#nanoTime()}
	 */
	public record NoOp(long sequence, long submittedNanos) implements Serializable {

	}

	/**
	 * Counts of what a store did, each with its unit.
	 * @param main the count that compares across stores: a Redis script or a PostgreSQL
	 * transaction is one atomic change
	 * @param detail a finer count, or {@code -1}
	 */
	record StoreWork(long main, String mainUnit, long detail, String detailUnit) {

		StoreWork since(StoreWork before) {
			return new StoreWork(this.main - before.main, this.mainUnit, this.detail - before.detail, this.detailUnit);
		}

		String perTask(long tasks) {
			String perTask = String.format(Locale.ROOT, "%.2f %s", (double) this.main / tasks, this.mainUnit);
			return (this.detailUnit != null)
					? perTask + String.format(Locale.ROOT, " (%.2f %s)", (double) this.detail / tasks, this.detailUnit)
					: perTask;
		}

	}

	record Throughput(double completedPerSecond, double submitsPerSecond, String storeWorkPerTask) {

	}

	/**
	 * Pickup latency at a fixed rate.
	 * @param leftAtTheEnd tasks submitted and not completed when the measurement ended
	 */
	record Pickup(String load, int handlerThreads, double submittedPerSecond, double completedPerSecond,
			Histogram histogram, long leftAtTheEnd) {

		/**
		 * Whether the queue keeps up: it completes what is submitted, and is less than a
		 * second of submits behind at the end.
		 */
		boolean keepsUp() {
			return this.completedPerSecond >= this.submittedPerSecond * 0.98
					&& this.leftAtTheEnd <= Math.max(1, this.submittedPerSecond);
		}

	}

	/**
	 * What every contender's handlers do: time each task from its submit to the handler's
	 * start; and what its queue reports: tasks completed.
	 */
	static final class Sink {

		private final LongAdder completed = new LongAdder();

		private final Recorder pickup = new Recorder(TimeUnit.SECONDS.toNanos(60), 3);

		void started(NoOp task) {
			this.pickup.recordValue(
					Math.min(TimeUnit.SECONDS.toNanos(60), Math.max(0, System.nanoTime() - task.submittedNanos())));
		}

		void completed() {
			this.completed.increment();
		}

		long completions() {
			return this.completed.sum();
		}

	}

	/**
	 * Creates a contender with its handler threads.
	 */
	@FunctionalInterface
	interface ContenderFactory {

		Contender start(int handlerThreads, Sink sink);

	}

	interface Contender extends AutoCloseable {

		/**
		 * Submits a task to run now, and returns once it is stored.
		 * @param task the task
		 */
		void submit(NoOp task);

		/**
		 * What the store did so far, to tell the work per task.
		 * @return the counts, or {@code null} without a store
		 */
		default StoreWork storeWork() {
			return null;
		}

	}

	/**
	 * The handler method the starter invokes, as {@code @TaskHandler} would.
	 */
	public static final class Handler {

		private final Sink sink;

		Handler(Sink sink) {
			this.sink = sink;
		}

		public void on(NoOp task) {
			this.sink.started(task);
		}

		static Method method() {
			try {
				return Handler.class.getMethod("on", NoOp.class);
			}
			catch (NoSuchMethodException ex) {
				throw new IllegalStateException(ex);
			}
		}

	}

	/**
	 * The starter's task queue as its auto-configuration builds it with the default
	 * properties, on Redis or in memory.
	 */
	static final class StarterContender implements Contender {

		private final TaskQueueBackend queue;

		private final BenchmarkRedis server;

		private final LettuceConnectionFactory factory;

		private final TaskQueueBackend submitter;

		private final LettuceConnectionFactory submitterFactory;

		private final boolean async;

		StarterContender(int handlerThreads, Sink sink, BenchmarkRedis server, boolean async) {
			this.server = server;
			this.async = async;
			TasksProperties properties = new TasksProperties();
			PayloadCodec codec = new JacksonPayloadCodec(JSON);
			TaskQueueSettings settings = settings(properties, handlerThreads);
			TaskQueueObserver observer = new TaskQueueObserver() {

				@Override
				public void completed(String queue, String outcome) {
					if ("success".equals(outcome)) {
						sink.completed();
					}
					else {
						FAILED_TASKS.incrementAndGet();
					}
				}

			};
			if (server != null) {
				this.factory = EventBusLoad.connectionFactory(server);
				GuardedRedis redis = new RedisGuards(new RedisConnector(this.factory, onDaemonThread()),
						new ScalabilityProperties.Redis(), CircuitBreakerRegistry.ofDefaults())
					.forFeature("tasks", properties.getRedis());
				this.queue = new RedisTaskQueue(settings, redisSettings("bench-worker", properties), redis,
						new DedicatedConnections(this.factory), new RedisKeys("bench:"), codec, observer);
				// Tasks come from another instance, as from a web tier: its own connection, no
				// handler, so that idle workers hear of them through Redis, not this JVM.
				this.submitterFactory = EventBusLoad.connectionFactory(server);
				GuardedRedis submitterRedis = new RedisGuards(
						new RedisConnector(this.submitterFactory, onDaemonThread()), new ScalabilityProperties.Redis(),
						CircuitBreakerRegistry.ofDefaults())
					.forFeature("tasks", properties.getRedis());
				this.submitter = new RedisTaskQueue(settings, redisSettings("bench-submitter", properties),
						submitterRedis, new DedicatedConnections(this.submitterFactory), new RedisKeys("bench:"), codec,
						TaskQueueObserver.NONE);
				this.submitter.start();
			}
			else {
				this.factory = null;
				this.submitterFactory = null;
				this.queue = new MemoryTaskQueue(settings, codec, observer, MonotonicClock.system(), Clock.systemUTC());
				this.submitter = this.queue;
			}
			HandlerInvoker invoker = HandlerInvoker.of(new Handler(sink), Handler.method(), codec);
			this.queue.register(new TaskRegistration(TYPE, QUEUE, (task) -> invoker.invoke(task.payload()),
					"benchmark handler"));
			this.queue.start();
		}

		/**
		 * What {@code TasksSettingsBuilder} (not public) makes of the properties, with the
		 * benchmark's handler threads.
		 */
		private static TaskQueueSettings settings(TasksProperties properties, int handlerThreads) {
			TasksProperties.Backoff backoff = properties.getBackoff();
			return new TaskQueueSettings(
					new RetryPolicy(properties.getMaxAttempts(),
							new Backoff(backoff.getInitial(), backoff.getMultiplier(), backoff.getMax(),
									backoff.getJitter())),
					Map.of(), handlerThreads, properties.getCompletedRetention(), properties.getDeadLetterRetention());
		}

		@Override
		public void submit(NoOp task) {
			if (this.async) {
				// Not waited for: the submits of all threads travel to Redis back to back.
				this.submitter.submitAsync(TYPE, task, SUBMIT_OPTIONS).exceptionally((failure) -> {
					if (FAILED_SUBMITS.getAndIncrement() == 0) {
						failure.printStackTrace();
					}
					return null;
				});
			}
			else {
				this.submitter.submit(TYPE, task, SUBMIT_OPTIONS);
			}
		}

		/**
		 * The settings the properties make, as {@code TasksSettingsBuilder} (not public)
		 * does.
		 */
		private static RedisTaskQueueSettings redisSettings(String worker, TasksProperties properties) {
			return new RedisTaskQueueSettings(worker, properties.getVisibilityTimeout(), properties.getPollInterval(),
					() -> 0);
		}

		/**
		 * Scripts the server ran (every change of a task's state is one), and commands in all,
		 * those run by scripts included; the benchmark's own {@code INFO} calls are not the
		 * queue's.
		 */
		@Override
		public StoreWork storeWork() {
			if (this.server == null) {
				return null;
			}
			long scripts = 0;
			long commands = 0;
			for (Map.Entry<String, Long> entry : this.server.commandCalls().entrySet()) {
				if (entry.getKey().equals("evalsha") || entry.getKey().equals("eval")) {
					scripts += entry.getValue();
				}
				if (!entry.getKey().equals("info")) {
					commands += entry.getValue();
				}
			}
			return new StoreWork(scripts, "Redis scripts", commands, "commands run");
		}

		@Override
		public void close() {
			this.queue.stop(Duration.ofSeconds(10));
			if (this.submitter != this.queue) {
				this.submitter.stop(Duration.ofSeconds(10));
			}
			if (this.factory != null) {
				this.factory.destroy();
			}
			if (this.submitterFactory != null) {
				this.submitterFactory.destroy();
			}
		}

		private static Executor onDaemonThread() {
			return (task) -> {
				Thread thread = new Thread(task, "bench-redis-connect");
				thread.setDaemon(true);
				thread.start();
			};
		}

	}

	/**
	 * What a user writes with db-scheduler for a queue of work to run now: one one-time
	 * task, each task an instance of it scheduled to run now, on a HikariCP pool.
	 */
	static final class DbSchedulerContender implements Contender {

		private static final TaskDescriptor<NoOp> NO_OP = TaskDescriptor.of(TYPE, NoOp.class);

		private final BenchmarkPostgres postgres;

		private final HikariDataSource dataSource;

		private final Scheduler scheduler;

		DbSchedulerContender(int handlerThreads, Sink sink, BenchmarkPostgres postgres) {
			this.postgres = postgres;
			HikariConfig pool = new HikariConfig();
			pool.setJdbcUrl(postgres.jdbcUrl());
			pool.setUsername(BenchmarkPostgres.USER);
			pool.setPoolName("db-scheduler");
			// A connection for each submitting thread and each handler thread (which deletes
			// its task once run), and for the polling and heartbeat threads.
			pool.setMaximumPoolSize(SUBMITTERS + handlerThreads + 3);
			this.dataSource = new HikariDataSource(pool);
			OneTimeTask<NoOp> task = Tasks.oneTime(NO_OP)
				.execute((instance, context) -> sink.started(instance.getData()));
			this.scheduler = Scheduler.create(this.dataSource, task)
				.threads(handlerThreads)
				.pollUsingLockAndFetch(LOCK_AND_FETCH_LOWER, LOCK_AND_FETCH_UPPER)
				.pollingInterval(DB_SCHEDULER_POLLING_INTERVAL)
				.enableImmediateExecution()
				.addSchedulerListener(new AbstractSchedulerListener() {

					@Override
					public void onExecutionComplete(ExecutionComplete executionComplete) {
						if (executionComplete.getResult() == ExecutionComplete.Result.OK) {
							sink.completed();
						}
						else {
							FAILED_TASKS.incrementAndGet();
						}
					}

				})
				.build();
			this.scheduler.start();
		}

		@Override
		public void submit(NoOp task) {
			this.scheduler.scheduleIfNotExists(
					NO_OP.instance(UUID.randomUUID().toString()).data(task).scheduledTo(Instant.now()));
		}

		@Override
		public StoreWork storeWork() {
			return new StoreWork(this.postgres.transactions(), "PostgreSQL transactions (about)", -1, null);
		}

		@Override
		public void close() {
			this.scheduler.stop();
			this.dataSource.close();
		}

	}

	/**
	 * The stores the contenders need, each started once: a private Redis for the starter's
	 * Redis queue, a private PostgreSQL with db-scheduler's table for db-scheduler.
	 */
	static final class Stores implements AutoCloseable {

		private BenchmarkRedis redis;

		private BenchmarkPostgres postgres;

		static Stores start(List<String> contenders) {
			Stores stores = new Stores();
			try {
				if (contenders.contains(STARTER_REDIS) || contenders.contains(STARTER_REDIS_ASYNC)) {
					stores.redis = BenchmarkRedis.start();
				}
				if (contenders.contains(DB_SCHEDULER)) {
					log("starting PostgreSQL");
					stores.postgres = BenchmarkPostgres.start();
					List<String> schema = new ArrayList<>();
					schema.add(DB_SCHEDULER_TABLE);
					schema.addAll(DB_SCHEDULER_INDEXES);
					stores.postgres.execute(schema.toArray(new String[0]));
				}
				return stores;
			}
			catch (RuntimeException ex) {
				stores.close();
				throw ex;
			}
		}

		BenchmarkRedis redis() {
			return this.redis;
		}

		BenchmarkPostgres postgres() {
			return this.postgres;
		}

		/**
		 * Empties the stores between two measurements, so that none finds the tasks of
		 * another.
		 */
		void empty() {
			if (this.redis != null) {
				this.redis.flushAll();
			}
			if (this.postgres != null) {
				this.postgres.execute("truncate scheduled_tasks");
			}
		}

		@Override
		public void close() {
			if (this.postgres != null) {
				this.postgres.close();
			}
			if (this.redis != null) {
				this.redis.close();
			}
		}

	}

	/**
	 * Submitting threads, stopped together.
	 */
	static final class Submitters {

		private final List<Thread> threads = new ArrayList<>();

		private volatile boolean running = true;

		void start(Runnable work) {
			Thread thread = new Thread(() -> {
				try {
					work.run();
				}
				catch (RuntimeException ex) {
					if (this.running) {
						ex.printStackTrace();
					}
				}
			}, "submitter-" + this.threads.size());
			thread.setDaemon(true);
			this.threads.add(thread);
			thread.start();
		}

		boolean running() {
			return this.running;
		}

		void stop() throws InterruptedException {
			this.running = false;
			for (Thread thread : this.threads) {
				thread.join(10_000);
			}
		}

	}

}
