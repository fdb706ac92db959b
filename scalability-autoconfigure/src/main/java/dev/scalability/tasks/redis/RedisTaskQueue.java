package dev.scalability.tasks.redis;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import dev.scalability.delivery.PayloadCodec;
import dev.scalability.redis.DedicatedConnections;
import dev.scalability.redis.EvictionPolicyCheck;
import dev.scalability.redis.GuardedRedis;
import dev.scalability.redis.RedisCallException;
import dev.scalability.redis.RedisKeys;
import dev.scalability.tasks.QueueSnapshot;
import dev.scalability.tasks.TaskDeadLetter;
import dev.scalability.tasks.TaskOptions;
import dev.scalability.tasks.TaskPriority;
import dev.scalability.tasks.TaskQueueBackend;
import dev.scalability.tasks.TaskQueueObserver;
import dev.scalability.tasks.TaskQueueSettings;
import dev.scalability.tasks.TaskRegistration;
import dev.scalability.tasks.TaskState;
import dev.scalability.tasks.TaskStatus;
import dev.scalability.tasks.TaskSubmitException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * A task queue in Redis, shared by every instance of the application: per queue, ready
 * tasks in a sorted set by priority and submit order, delayed ones by due time, running
 * ones by lease expiry, dead letters by failure time, and a hash per task. Every change of
 * a task's state is one script; every key of a queue has the queue as its hash tag. A task
 * id names its queue: {@code <uuid>@<queue>}.
 */
public class RedisTaskQueue implements TaskQueueBackend {

	private static final Log logger = LogFactory.getLog(RedisTaskQueue.class);

	private static final String DEFAULT_QUEUE = "default";

	private static final int DEAD_LETTERS_LISTED = 100;

	private static final long WAKE_UPS_RETRY_MILLIS = 1_000;

	private static final long ROUTE_REREAD_NANOS = TimeUnit.SECONDS.toNanos(10);

	/**
	 * Routes read for types handled elsewhere, at most: types are few, but they come from
	 * callers.
	 */
	private static final int MAX_ROUTES_KEPT = 10_000;

	private final TaskQueueSettings settings;

	private final RedisTaskQueueSettings redisSettings;

	private final GuardedRedis redis;

	private final TaskKeys keys;

	private final PayloadCodec codec;

	private final TaskQueueObserver observer;

	private final Map<String, TaskRegistration> handlers = new ConcurrentHashMap<>();

	private final Map<String, QueueWorker> workers = new ConcurrentHashMap<>();

	private final Set<String> knownQueues = ConcurrentHashMap.newKeySet();

	/**
	 * The queues this instance wrote to the registry of all queues.
	 */
	private final Set<String> registeredQueues = ConcurrentHashMap.newKeySet();

	private final Set<String> registeredRoutes = ConcurrentHashMap.newKeySet();

	private final Map<String, Route> routes = new ConcurrentHashMap<>();

	private final Object lifecycleMonitor = new Object();

	private volatile boolean running;

	private ScheduledExecutorService renewal;

	private final EvictionPolicyCheck evictionPolicy;

	private final QueueWakeUps wakeUps;

	/**
	 * Stores the tasks submitted at the same time in one call per queue.
	 */
	private final Map<String, SubmitBatches> submits = new ConcurrentHashMap<>();

	/**
	 * Completes the futures of asynchronous submits, off the Redis client's I/O thread.
	 */
	private final ThreadPoolExecutor completions = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
			new LinkedBlockingQueue<>(), (task) -> {
				Thread thread = new Thread(task, "tasks-submitted");
				thread.setDaemon(true);
				return thread;
			});

	/**
	 * Creates a queue.
	 * @param settings tries, threads and retention
	 * @param redisSettings how instances share the queue
	 * @param redis guarded calls on the application's connection
	 * @param keys the key builder
	 * @param codec writes payloads as JSON
	 */
	public RedisTaskQueue(TaskQueueSettings settings, RedisTaskQueueSettings redisSettings, GuardedRedis redis,
			RedisKeys keys, PayloadCodec codec) {
		this(settings, redisSettings, redis, keys, codec, TaskQueueObserver.NONE);
	}

	/**
	 * Creates a queue.
	 * @param settings tries, threads and retention
	 * @param redisSettings how instances share the queue
	 * @param redis guarded calls on the application's connection
	 * @param keys the key builder
	 * @param codec writes payloads as JSON
	 * @param observer hears what the queue does
	 */
	public RedisTaskQueue(TaskQueueSettings settings, RedisTaskQueueSettings redisSettings, GuardedRedis redis,
			RedisKeys keys, PayloadCodec codec, TaskQueueObserver observer) {
		this(settings, redisSettings, redis, null, keys, codec, observer);
	}

	/**
	 * Creates a queue.
	 * @param settings tries, threads and retention
	 * @param redisSettings how instances share the queue
	 * @param redis guarded calls on the application's connection
	 * @param connections opens the connection on which idle workers hear of new tasks;
	 * {@code null} to have them poll
	 * @param keys the key builder
	 * @param codec writes payloads as JSON
	 * @param observer hears what the queue does
	 */
	public RedisTaskQueue(TaskQueueSettings settings, RedisTaskQueueSettings redisSettings, GuardedRedis redis,
			DedicatedConnections connections, RedisKeys keys, PayloadCodec codec, TaskQueueObserver observer) {
		this.wakeUps = new QueueWakeUps(connections, redis.timeout().multipliedBy(5));
		this.settings = settings;
		this.observer = observer;
		this.redisSettings = redisSettings;
		this.redis = redis;
		this.keys = new TaskKeys(keys);
		this.codec = codec;
		this.evictionPolicy = new EvictionPolicyCheck(redis,
				"the task queue can lose tasks, their leases, idempotency keys and dead letters", "submits");
	}

	@Override
	public String submit(String type, Object payload, TaskOptions options) {
		Submission submission = submission(type, payload, options);
		List<Object> reply;
		try {
			reply = this.submits
				.computeIfAbsent(submission.queue(), (queue) -> new SubmitBatches((tasks) -> store(queue, tasks)))
				.submit(submission.task());
		}
		catch (CompletionException ex) {
			Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
			if (cause instanceof RedisCallException failure) {
				throw submitFailure(type, submission.queue(), failure);
			}
			throw (cause instanceof RuntimeException runtime) ? runtime : ex;
		}
		return submitted(submission.queue(), reply);
	}

	@Override
	public CompletableFuture<String> submitAsync(String type, Object payload, TaskOptions options) {
		Submission submission;
		try {
			submission = submission(type, payload, options);
		}
		catch (TaskSubmitException ex) {
			return CompletableFuture.failedFuture(ex);
		}
		CompletableFuture<String> result = new CompletableFuture<>();
		this.redis.scriptAsync(TaskScripts.SUBMIT, submitKeys(submission.queue()),
				submitArgs(submission.queue(), List.<byte[][]>of(submission.task())))
			.whenComplete((reply, failure) -> {
				// Callers' callbacks never run on the Redis client's I/O thread, which they
				// could hold up.
				Runnable completion = () -> {
					if (failure != null) {
						Throwable cause = (failure instanceof CompletionException && failure.getCause() != null)
								? failure.getCause() : failure;
						result.completeExceptionally((cause instanceof RedisCallException callFailure)
								? submitFailure(type, submission.queue(), callFailure) : cause);
						return;
					}
					try {
						result.complete(submitted(submission.queue(), reply));
					}
					catch (RuntimeException ex) {
						result.completeExceptionally(ex);
					}
				};
				try {
					this.completions.execute(completion);
				}
				catch (RejectedExecutionException ex) {
					completion.run();
				}
			});
		return result;
	}

	private Submission submission(String type, Object payload, TaskOptions options) {
		if (type == null || type.isBlank()) {
			throw new IllegalArgumentException("the type must not be blank");
		}
		String json = this.codec.write(payload);
		String queue;
		try {
			queue = (options.queue() != null) ? options.queue() : queueOf(type);
		}
		catch (RedisCallException ex) {
			throw new TaskSubmitException("The task of type '" + type + "' was not stored: the queue of its type could "
					+ "not be read (" + ex.reason().name().toLowerCase() + "): " + ex.getMessage(), ex, false);
		}
		String id = UUID.randomUUID() + "@" + queue;
		byte[][] task = { TaskKeys.bytes(id), TaskKeys.bytes(type), TaskKeys.bytes(json),
				number(options.priority().ordinal()),
				TaskKeys.bytes((options.maxAttempts() != null) ? options.maxAttempts().toString() : ""),
				number(options.delay().toMillis()),
				TaskKeys.bytes((options.idempotencyKey() != null) ? options.idempotencyKey() : "") };
		return new Submission(queue, task);
	}

	private byte[][] submitKeys(String queue) {
		return new byte[][] { this.keys.ready(queue), this.keys.delayed(queue), this.keys.counter(queue) };
	}

	private byte[][] submitArgs(String queue, List<byte[][]> tasks) {
		List<byte[]> args = new ArrayList<>(List.of(this.keys.taskPrefix(queue), this.keys.idempotencyPrefix(queue),
				offset(), this.keys.wakeChannel(queue)));
		tasks.forEach((task) -> args.addAll(List.of(task)));
		return args.toArray(new byte[0][]);
	}

	private List<Object> store(String queue, List<byte[][]> tasks) {
		return this.redis.script(TaskScripts.SUBMIT, submitKeys(queue), submitArgs(queue, tasks));
	}

	private static TaskSubmitException submitFailure(String type, String queue, RedisCallException failure) {
		boolean outcomeUnknown = failure.mayHaveBeenCarriedOut();
		return new TaskSubmitException("The task of type '" + type + "' "
				+ (outcomeUnknown ? "may or may not have been stored" : "was not stored") + " in queue '" + queue
				+ "' (" + failure.reason().name().toLowerCase() + "): " + failure.getMessage(), failure,
				outcomeUnknown);
	}

	private String submitted(String queue, List<Object> reply) {
		know(queue);
		if (!this.registeredQueues.contains(queue)) {
			registerQueues();
		}
		if ((Long) reply.get(1) == 1) {
			this.observer.submitted(queue);
			QueueWorker worker = this.workers.get(queue);
			if (worker != null) {
				// Picked up here at once, or its due time learnt, without waiting for the
				// message through Redis.
				worker.wake();
			}
		}
		return TaskKeys.text(reply.get(0));
	}

	private record Submission(String queue, byte[][] task) {

	}

	@Override
	public Optional<TaskStatus> status(String id) {
		String queue = queueOfId(id);
		if (queue == null) {
			return Optional.empty();
		}
		Map<byte[], byte[]> fields = this.redis.call((commands) -> commands.hgetall(this.keys.task(queue, id)));
		if (fields == null || fields.isEmpty()) {
			return Optional.empty();
		}
		Map<String, String> hash = new java.util.HashMap<>();
		fields.forEach((name, value) -> hash.put(TaskKeys.text(name), TaskKeys.text(value)));
		String error = hash.get("error");
		String idempotencyKey = hash.get("idem");
		return Optional.of(new TaskStatus(id, hash.get("type"), queue, TaskState.valueOf(hash.get("state")),
				TaskPriority.values()[Integer.parseInt(hash.getOrDefault("rank", "2"))],
				Integer.parseInt(hash.getOrDefault("attempts", "0")), (error == null || error.isEmpty()) ? null : error,
				Instant.ofEpochMilli(Long.parseLong(hash.get("submitted"))),
				Instant.ofEpochMilli(Long.parseLong(hash.get("updated"))),
				(idempotencyKey == null || idempotencyKey.isEmpty()) ? null : idempotencyKey,
				Integer.parseInt(hash.getOrDefault("duplicates", "0"))));
	}

	@Override
	public void register(TaskRegistration registration) {
		synchronized (this.lifecycleMonitor) {
			TaskRegistration existing = this.handlers.putIfAbsent(registration.type(), registration);
			if (existing != null) {
				throw new IllegalStateException("Tasks of type '" + registration.type() + "' have a handler already ("
						+ existing.description() + "): " + registration.description()
						+ " would run only some of them");
			}
			know(registration.queue());
			QueueWorker worker = this.workers.computeIfAbsent(registration.queue(), (queue) -> {
				QueueWorker created = new QueueWorker(queue, this.settings.concurrency(queue), this);
				this.wakeUps.listen(this.keys.wakeChannel(queue), created::wake);
				return created;
			});
			if (this.running) {
				worker.start();
				this.renewal.execute(this::registerQueuesAndRoutes);
				this.renewal.execute(this.wakeUps::subscribe);
			}
		}
	}

	@Override
	public void start() {
		synchronized (this.lifecycleMonitor) {
			if (this.running) {
				return;
			}
			this.running = true;
			long every = Math.max(1, this.redisSettings.lease().toMillis() / 3);
			this.renewal = Executors.newSingleThreadScheduledExecutor((task) -> {
				Thread thread = new Thread(task, "tasks-renewal");
				thread.setDaemon(true);
				return thread;
			});
			this.renewal.execute(() -> {
				this.evictionPolicy.check();
				registerQueuesAndRoutes();
			});
			this.renewal.scheduleWithFixedDelay(this::renew, every, every, TimeUnit.MILLISECONDS);
			this.wakeUps.open();
			this.renewal.scheduleWithFixedDelay(this.wakeUps::subscribe, 0, WAKE_UPS_RETRY_MILLIS,
					TimeUnit.MILLISECONDS);
			this.workers.values().forEach(QueueWorker::start);
		}
	}

	@Override
	public boolean stop(Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		ScheduledExecutorService stoppingRenewal;
		synchronized (this.lifecycleMonitor) {
			if (!this.running) {
				return true;
			}
			this.running = false;
			stoppingRenewal = this.renewal;
			this.renewal = null;
		}
		// Every queue stops fetching first: none leases tasks while another drains.
		this.workers.values().forEach(QueueWorker::stopFetching);
		boolean finished = true;
		for (QueueWorker worker : this.workers.values()) {
			finished &= worker.awaitStopped(deadline);
		}
		// Only now: tasks that finish during the stop keep their lease meanwhile.
		stoppingRenewal.shutdownNow();
		this.wakeUps.close();
		if (!finished) {
			logger.warn("Task handlers still running after " + timeout
					+ " (spring.lifecycle.timeout-per-shutdown-phase) were interrupted; their tasks are tried again "
					+ "once their lease of " + this.redisSettings.lease() + " runs out");
		}
		return finished;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public List<QueueSnapshot> queues() {
		List<QueueSnapshot> snapshots = new ArrayList<>();
		for (String queue : allQueues()) {
			snapshots.add(snapshotOf(queue));
		}
		return snapshots;
	}

	@Override
	public List<TaskDeadLetter> deadLetters() {
		List<TaskDeadLetter> letters = new ArrayList<>();
		for (String queue : allQueues()) {
			List<byte[]> ids = this.redis.call(
					(commands) -> commands.zrevrange(this.keys.dead(queue), 0, DEAD_LETTERS_LISTED - 1));
			for (byte[] rawId : ids) {
				String id = TaskKeys.text(rawId);
				List<io.lettuce.core.KeyValue<byte[], byte[]>> fields = this.redis.call((commands) -> commands.hmget(
						this.keys.task(queue, id), TaskKeys.bytes("type"), TaskKeys.bytes("attempts"),
						TaskKeys.bytes("error"), TaskKeys.bytes("updated")));
				if (!fields.get(0).hasValue()) {
					continue;
				}
				letters.add(new TaskDeadLetter(id, TaskKeys.text(fields.get(0).getValue()), queue,
						Integer.parseInt(TaskKeys.text(fields.get(1).getValueOrElse(TaskKeys.bytes("0")))),
						TaskKeys.text(fields.get(2).getValueOrElse(TaskKeys.bytes(""))),
						Instant.ofEpochMilli(Long.parseLong(TaskKeys.text(fields.get(3).getValueOrElse(TaskKeys.bytes("0")))))));
			}
		}
		letters.sort(Comparator.comparing(TaskDeadLetter::failedAt));
		return letters;
	}

	@Override
	public boolean redrive(String id) {
		String queue = queueOfId(id);
		return queue != null && redriveIn(queue, TaskKeys.bytes(id)) == 1;
	}

	@Override
	public int redriveAll() {
		int moved = 0;
		for (String queue : allQueues()) {
			moved += redriveIn(queue);
		}
		return moved;
	}

	@Override
	public String backend() {
		return "redis";
	}

	@Override
	public boolean degraded() {
		return this.redis.isHeldBack();
	}

	@Override
	public Map<String, Object> details() {
		Map<String, Object> details = new java.util.LinkedHashMap<>();
		details.put("worker", this.redisSettings.worker());
		details.put("visibilityTimeout", this.redisSettings.lease().toString());
		if (this.redis.circuitBreaker() != null) {
			details.put("circuitBreaker", this.redis.circuitBreaker().getState().name());
		}
		String policy = this.evictionPolicy.policy();
		if (policy != null && !policy.isEmpty()) {
			// Read at start: anything but noeviction can drop tasks.
			details.put("maxmemoryPolicy", policy);
		}
		return details;
	}

	TaskQueueObserver observer() {
		return this.observer;
	}

	TaskRegistration handler(String type) {
		return this.handlers.get(type);
	}

	TaskQueueSettings settings() {
		return this.settings;
	}

	RedisTaskQueueSettings redisSettings() {
		return this.redisSettings;
	}

	GuardedRedis redis() {
		return this.redis;
	}

	TaskKeys keys() {
		return this.keys;
	}

	QueueWakeUps wakeUps() {
		return this.wakeUps;
	}

	byte[] offset() {
		return number(this.redisSettings.timeOffsetMillis().getAsLong());
	}

	static byte[] number(long value) {
		return TaskKeys.bytes(Long.toString(value));
	}

	private int redriveIn(String queue, byte[]... ids) {
		List<byte[]> args = new ArrayList<>(List.of(this.keys.taskPrefix(queue), offset()));
		args.addAll(List.of(ids));
		List<Object> reply = this.redis.script(TaskScripts.REDRIVE,
				new byte[][] { this.keys.ready(queue), this.keys.dead(queue), this.keys.counter(queue) },
				args.toArray(new byte[0][]));
		return ((Long) reply.get(0)).intValue();
	}

	private void know(String queue) {
		if (this.knownQueues.add(queue)) {
			this.observer.queueAdded(queue, () -> snapshotOf(queue));
		}
	}

	/**
	 * Writes every queue and route this instance knows again, in one call each: a Redis that
	 * restarted empty, or was flushed, has them back within a renewal.
	 */
	private void refreshRegistries() {
		try {
			List<String> queues = new ArrayList<>(this.knownQueues);
			if (!queues.isEmpty()) {
				this.redis.call((commands) -> commands.sadd(this.keys.queues(),
						queues.stream().map(TaskKeys::bytes).toArray(byte[][]::new)));
				this.registeredQueues.addAll(queues);
			}
			Map<byte[], byte[]> routes = new java.util.LinkedHashMap<>();
			List<String> types = new ArrayList<>();
			this.handlers.values().forEach((registration) -> {
				routes.put(TaskKeys.bytes(registration.type()), TaskKeys.bytes(registration.queue()));
				types.add(registration.type());
			});
			if (!routes.isEmpty()) {
				this.redis.call((commands) -> commands.hset(this.keys.routes(), routes));
				this.registeredRoutes.addAll(types);
			}
		}
		catch (RedisCallException ex) {
			logger.debug("Queues and routes not written this time: " + ex.getMessage());
		}
	}

	private void registerQueuesAndRoutes() {
		registerQueues();
		registerRoutes();
	}

	/**
	 * Writes the queues this instance knows to the registry of all queues, once each; a
	 * Redis that does not answer is asked again at the next renewal.
	 */
	private void registerQueues() {
		for (String queue : this.knownQueues) {
			if (this.registeredQueues.contains(queue)) {
				continue;
			}
			try {
				this.redis.call((commands) -> commands.sadd(this.keys.queues(), TaskKeys.bytes(queue)));
				this.registeredQueues.add(queue);
			}
			catch (RedisCallException ex) {
				logger.debug("Queue '" + queue + "' not registered yet: " + ex.getMessage());
				return;
			}
		}
	}

	/**
	 * Every queue of every instance, as the registry has them, with this instance's own.
	 * @throws RedisCallException when Redis cannot say
	 */
	private Set<String> allQueues() {
		Set<String> queues = new TreeSet<>(this.knownQueues);
		this.redis.call((commands) -> commands.smembers(this.keys.queues()))
			.forEach((name) -> queues.add(TaskKeys.text(name)));
		return queues;
	}

	private QueueSnapshot snapshotOf(String queue) {
		List<Object> counts = this.redis.script(TaskScripts.COUNTS, new byte[][] { this.keys.ready(queue),
				this.keys.running(queue), this.keys.delayed(queue), this.keys.dead(queue) });
		return new QueueSnapshot(queue, (Long) counts.get(0), (Long) counts.get(1), (Long) counts.get(2),
				(Long) counts.get(3));
	}

	private static String queueOfId(String id) {
		int at = (id != null) ? id.indexOf('@') : -1;
		return (at > 0 && at < id.length() - 1) ? id.substring(at + 1) : null;
	}

	/**
	 * The queue of a type: its handler's here; else the one the instances that handle it
	 * registered, read once in a while; else the default queue.
	 */
	private String queueOf(String type) {
		TaskRegistration handler = this.handlers.get(type);
		if (handler != null) {
			return handler.queue();
		}
		long now = System.nanoTime();
		Route route = this.routes.get(type);
		if (route == null || now - route.readAt() > ROUTE_REREAD_NANOS) {
			byte[] queue;
			try {
				queue = this.redis.call((commands) -> commands.hget(this.keys.routes(), TaskKeys.bytes(type)));
			}
			catch (RedisCallException ex) {
				if (route != null) {
					// A route read earlier is better than none: the submit may still succeed.
					return route.queue();
				}
				throw ex;
			}
			route = new Route((queue != null) ? TaskKeys.text(queue) : DEFAULT_QUEUE, now);
			if (this.routes.size() < MAX_ROUTES_KEPT || this.routes.containsKey(type)) {
				this.routes.put(type, route);
			}
		}
		return route.queue();
	}

	/**
	 * Writes the queue of each type handled here to the routes, so that instances without
	 * its handler submit to it; a Redis that does not answer is asked again at the next
	 * renewal.
	 */
	private void registerRoutes() {
		for (TaskRegistration registration : this.handlers.values()) {
			if (this.registeredRoutes.contains(registration.type())) {
				continue;
			}
			try {
				this.redis.call((commands) -> commands.hset(this.keys.routes(), TaskKeys.bytes(registration.type()),
						TaskKeys.bytes(registration.queue())));
				this.registeredRoutes.add(registration.type());
			}
			catch (RedisCallException ex) {
				logger.debug("Queue of tasks of type '" + registration.type() + "' not registered yet: "
						+ ex.getMessage());
				return;
			}
		}
	}

	private record Route(String queue, long readAt) {

	}

	private void renew() {
		this.evictionPolicy.check();
		refreshRegistries();
		for (QueueWorker worker : this.workers.values()) {
			try {
				// A breaker opened by a short failure must not cost every running task its lease.
				this.redis.outsideBreaker(() -> {
					worker.settleAgain();
					worker.renew();
					return null;
				});
			}
			catch (RuntimeException | Error ex) {
				// A scheduled task that throws is never run again: every lease would run out.
				logger.error("Queue '" + worker.queue() + "' could not renew its leases this time", ex);
			}
		}
	}

}
