package dev.scalability.tasks.memory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import dev.scalability.delivery.FailureDescription;
import dev.scalability.delivery.HandlingOutcome;
import dev.scalability.delivery.PayloadCodec;
import dev.scalability.delivery.RetryPolicy;
import dev.scalability.permits.PermitGrant;
import dev.scalability.tasks.QueueRateLimits;
import dev.scalability.tasks.QueueSnapshot;
import dev.scalability.tasks.Task;
import dev.scalability.tasks.TaskDeadLetter;
import dev.scalability.tasks.TaskOptions;
import dev.scalability.tasks.TaskPriority;
import dev.scalability.tasks.TaskQueueBackend;
import dev.scalability.tasks.TaskQueueObserver;
import dev.scalability.tasks.TaskQueueSettings;
import dev.scalability.tasks.TaskRegistration;
import dev.scalability.tasks.TaskState;
import dev.scalability.tasks.TaskStatus;
import dev.scalability.time.MonotonicClock;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * A task queue in this JVM: tasks are lost with it. Each queue has its handler threads;
 * they take the ready task of the highest priority, oldest first, whose type has a handler
 * here. Delays and backoff are counted on the given clock.
 */
public class MemoryTaskQueue implements TaskQueueBackend {

	private static final Log logger = LogFactory.getLog(MemoryTaskQueue.class);

	private static final String DEFAULT_QUEUE = "default";

	/**
	 * The longest a handler thread waits before it looks again for delayed tasks that came
	 * due: the clock may be moved by hand. Long enough that idle threads cost nothing
	 * measurable (eight of them woken every 10 ms took 2 % of a core).
	 */
	private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

	private final TaskQueueSettings settings;

	private final PayloadCodec codec;

	private final TaskQueueObserver observer;

	private final MonotonicClock clock;

	private final Clock wallClock;

	private final ReentrantLock lock = new ReentrantLock();

	private final Condition changed = this.lock.newCondition();

	private final Map<String, MemoryTask> tasks = new HashMap<>();

	private final Map<String, String> idempotencyKeys = new HashMap<>();

	private final Map<String, QueueState> queues = new TreeMap<>();

	private final Map<String, TaskRegistration> handlers = new LinkedHashMap<>();

	private final ArrayDeque<MemoryTask> completed = new ArrayDeque<>();

	private final List<Thread> workers = new ArrayList<>();

	private boolean running;

	private int generation;

	private long sequence;

	/**
	 * Creates a queue.
	 * @param settings tries, threads and retention
	 * @param codec writes payloads as JSON
	 * @param clock counts delays and backoff
	 * @param wallClock dates statuses and dead letters
	 */
	public MemoryTaskQueue(TaskQueueSettings settings, PayloadCodec codec, MonotonicClock clock, Clock wallClock) {
		this(settings, codec, TaskQueueObserver.NONE, clock, wallClock);
	}

	/**
	 * Creates a queue.
	 * @param settings tries, threads and retention
	 * @param codec writes payloads as JSON
	 * @param observer hears what the queue does
	 * @param clock counts delays and backoff
	 * @param wallClock dates statuses and dead letters
	 */
	public MemoryTaskQueue(TaskQueueSettings settings, PayloadCodec codec, TaskQueueObserver observer,
			MonotonicClock clock, Clock wallClock) {
		this.settings = settings;
		this.observer = observer;
		this.codec = codec;
		this.clock = clock;
		this.wallClock = wallClock;
	}

	@Override
	public String submit(String type, Object payload, TaskOptions options) {
		if (type == null || type.isBlank()) {
			throw new IllegalArgumentException("the type must not be blank");
		}
		String json = this.codec.write(payload);
		this.lock.lock();
		try {
			if (options.idempotencyKey() != null) {
				MemoryTask earlier = this.tasks.get(this.idempotencyKeys.get(options.idempotencyKey()));
				if (earlier != null) {
					earlier.duplicateSubmits++;
					return earlier.id;
				}
			}
			String queue = (options.queue() != null) ? options.queue() : queueOf(type);
			Instant now = this.wallClock.instant();
			MemoryTask task = new MemoryTask(UUID.randomUUID().toString(), type, queue, json, options, now,
					++this.sequence);
			this.tasks.put(task.id, task);
			if (options.idempotencyKey() != null) {
				this.idempotencyKeys.put(options.idempotencyKey(), task.id);
			}
			QueueState state = queue(queue);
			if (options.delay().isZero()) {
				state.makeReady(task, now);
			}
			else {
				state.delay(task, this.clock.nanos() + options.delay().toNanos(), now);
			}
			this.changed.signalAll();
			this.observer.submitted(queue);
			return task.id;
		}
		finally {
			this.lock.unlock();
		}
	}

	@Override
	public Optional<TaskStatus> status(String id) {
		this.lock.lock();
		try {
			expireCompleted();
			MemoryTask task = this.tasks.get(id);
			return Optional.ofNullable((task != null) ? task.status() : null);
		}
		finally {
			this.lock.unlock();
		}
	}

	@Override
	public void register(TaskRegistration registration) {
		this.lock.lock();
		try {
			TaskRegistration existing = this.handlers.get(registration.type());
			if (existing != null) {
				throw new IllegalStateException("Tasks of type '" + registration.type() + "' have a handler already ("
						+ existing.description() + "): " + registration.description()
						+ " would run only some of them");
			}
			this.handlers.put(registration.type(), registration);
			boolean newQueue = this.handlers.values()
				.stream()
				.filter((handler) -> handler.queue().equals(registration.queue()))
				.count() == 1;
			queue(registration.queue());
			if (this.running && newQueue) {
				startWorkers(registration.queue(), this.generation);
			}
			this.changed.signalAll();
		}
		finally {
			this.lock.unlock();
		}
	}

	@Override
	public void start() {
		this.lock.lock();
		try {
			if (this.running) {
				return;
			}
			this.running = true;
			int current = ++this.generation;
			this.handlers.values().stream().map(TaskRegistration::queue).distinct()
				.forEach((queue) -> startWorkers(queue, current));
		}
		finally {
			this.lock.unlock();
		}
	}

	@Override
	public boolean stop(Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		List<Thread> stopping;
		this.lock.lock();
		try {
			if (!this.running) {
				return true;
			}
			this.running = false;
			this.changed.signalAll();
			stopping = new ArrayList<>(this.workers);
			this.workers.clear();
		}
		finally {
			this.lock.unlock();
		}
		boolean finished = true;
		for (Thread worker : stopping) {
			try {
				worker.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			if (worker.isAlive()) {
				finished = false;
				worker.interrupt();
			}
		}
		if (!finished) {
			logger.warn("Task handlers still running after " + timeout
					+ " (spring.lifecycle.timeout-per-shutdown-phase) were interrupted; their tasks are tried again "
					+ "after a start");
		}
		return finished;
	}

	@Override
	public boolean isRunning() {
		this.lock.lock();
		try {
			return this.running;
		}
		finally {
			this.lock.unlock();
		}
	}

	@Override
	public List<QueueSnapshot> queues() {
		this.lock.lock();
		try {
			expireCompleted();
			return this.queues.values().stream().map(QueueState::snapshot).toList();
		}
		finally {
			this.lock.unlock();
		}
	}

	@Override
	public List<TaskDeadLetter> deadLetters() {
		this.lock.lock();
		try {
			return this.queues.values()
				.stream()
				.flatMap((queue) -> queue.dead.stream())
				.sorted(Comparator.comparing((MemoryTask task) -> task.updatedAt).thenComparingLong((task) -> task.order))
				.map(MemoryTask::deadLetter)
				.toList();
		}
		finally {
			this.lock.unlock();
		}
	}

	@Override
	public boolean redrive(String id) {
		this.lock.lock();
		try {
			MemoryTask task = this.tasks.get(id);
			if (task == null || task.state != TaskState.DEAD) {
				return false;
			}
			redrive(task);
			this.changed.signalAll();
			return true;
		}
		finally {
			this.lock.unlock();
		}
	}

	@Override
	public int redriveAll() {
		this.lock.lock();
		try {
			List<MemoryTask> dead = this.queues.values().stream().flatMap((queue) -> queue.dead.stream()).toList();
			dead.forEach(this::redrive);
			this.changed.signalAll();
			return dead.size();
		}
		finally {
			this.lock.unlock();
		}
	}

	@Override
	public String backend() {
		return "memory";
	}

	@Override
	public Map<String, Object> details() {
		return Map.of();
	}

	private void redrive(MemoryTask task) {
		QueueState queue = queue(task.queue);
		queue.dead.remove(task);
		task.attempts = 0;
		queue.makeReady(task, this.wallClock.instant());
	}

	private String queueOf(String type) {
		TaskRegistration handler = this.handlers.get(type);
		return (handler != null) ? handler.queue() : DEFAULT_QUEUE;
	}

	private QueueState queue(String name) {
		QueueState queue = this.queues.get(name);
		if (queue == null) {
			queue = new QueueState(name);
			this.queues.put(name, queue);
			this.observer.queueAdded(name, () -> snapshotOf(name));
		}
		return queue;
	}

	private QueueSnapshot snapshotOf(String name) {
		this.lock.lock();
		try {
			return this.queues.get(name).snapshot();
		}
		finally {
			this.lock.unlock();
		}
	}

	private void startWorkers(String queue, int workerGeneration) {
		int threads = this.settings.concurrency(queue);
		for (int i = 1; i <= threads; i++) {
			Thread worker = new Thread(() -> work(queue, workerGeneration), "tasks-" + queue + "-" + i);
			worker.setDaemon(true);
			this.workers.add(worker);
			worker.start();
		}
	}

	private void work(String queueName, int workerGeneration) {
		QueueRateLimits limits = this.settings.rateLimits();
		boolean limited = limits.limits(queueName);
		while (true) {
			MemoryTask task;
			TaskRegistration handler;
			PermitGrant grant = null;
			if (limited) {
				// A permit only once a task waits, taken outside the lock: an idle thread holds
				// none, so that a quiet spell never adds up to a burst beyond the limit.
				this.lock.lock();
				try {
					if (next(queueName, workerGeneration, false) == null) {
						return;
					}
				}
				catch (InterruptedException ex) {
					return;
				}
				finally {
					this.lock.unlock();
				}
				grant = limits.take(queueName, 1);
				if (grant.permits() == 0) {
					if (!pause(workerGeneration, grant.retryAfterNanos())) {
						return;
					}
					continue;
				}
			}
			this.lock.lock();
			try {
				if (limited) {
					QueueState queue = queue(queueName);
					queue.promoteDue(this.clock.nanos(), this.wallClock.instant());
					task = queue.takeReady(this.handlers.keySet());
					if (task == null) {
						// Another thread took it meanwhile.
						limits.giveBack(queueName, grant, grant.permits());
						continue;
					}
				}
				else {
					task = next(queueName, workerGeneration, true);
					if (task == null) {
						return;
					}
				}
				handler = this.handlers.get(task.type);
				task.attempts++;
				queue(queueName).running++;
				task.enter(TaskState.RUNNING, this.wallClock.instant());
			}
			catch (InterruptedException ex) {
				return;
			}
			finally {
				this.lock.unlock();
			}
			HandlingOutcome outcome = run(handler, task);
			settle(task, outcome);
		}
	}


	/**
	 * Waits while the queue's rate limit lets no task start.
	 * @return whether the queue still runs
	 */
	private boolean pause(int workerGeneration, long nanos) {
		this.lock.lock();
		try {
			long left = nanos;
			while (this.running && this.generation == workerGeneration && left > 0) {
				left = this.changed.awaitNanos(left);
			}
			return this.running && this.generation == workerGeneration;
		}
		catch (InterruptedException ex) {
			return false;
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Waits for the next task this queue's threads can run.
	 * @param take whether to take it, or only to see that it waits
	 * @return the task; {@code null} once the queue stops
	 */
	private MemoryTask next(String queueName, int workerGeneration, boolean take) throws InterruptedException {
		QueueState queue = queue(queueName);
		while (this.running && this.generation == workerGeneration) {
			queue.promoteDue(this.clock.nanos(), this.wallClock.instant());
			expireCompleted();
			MemoryTask task = take ? queue.takeReady(this.handlers.keySet()) : queue.peekReady(this.handlers.keySet());
			if (task != null) {
				return task;
			}
			long wait = Math.min(POLL_NANOS, queue.nanosToNextDue(this.clock.nanos()));
			this.changed.awaitNanos(Math.max(1, wait));
		}
		return null;
	}

	private HandlingOutcome run(TaskRegistration handler, MemoryTask task) {
		try {
			HandlingOutcome outcome = handler.runner().handle(task.task());
			return (outcome != null) ? outcome : HandlingOutcome.success(null);
		}
		catch (RuntimeException | Error ex) {
			return HandlingOutcome.failure(ex);
		}
	}

	private void settle(MemoryTask task, HandlingOutcome outcome) {
		this.lock.lock();
		try {
			QueueState queue = queue(task.queue);
			queue.running--;
			Instant now = this.wallClock.instant();
			if (outcome.succeeded()) {
				task.enter(TaskState.SUCCEEDED, now);
				task.completedNanos = this.clock.nanos();
				this.completed.add(task);
				this.observer.completed(task.queue, "success");
				return;
			}
			task.lastError = FailureDescription.of(outcome.failure());
			RetryPolicy policy = (task.maxAttempts != null)
					? new RetryPolicy(task.maxAttempts, this.settings.retryPolicy().backoff())
					: this.settings.retryPolicy();
			Optional<Duration> retryAfter = policy.retryAfter(task.attempts, outcome);
			if (retryAfter.isPresent()) {
				queue.delay(task, this.clock.nanos() + retryAfter.get().toNanos(), now);
				this.observer.completed(task.queue, "retry");
			}
			else {
				task.enter(TaskState.DEAD, now);
				queue.dead.add(task);
				forgetOldestDeadLetters(queue);
				this.observer.completed(task.queue, "dead");
			}
		}
		finally {
			this.changed.signalAll();
			this.lock.unlock();
		}
	}

	private void forgetOldestDeadLetters(QueueState queue) {
		while (queue.dead.size() > this.settings.deadLetterRetention()) {
			MemoryTask forgotten = queue.dead.poll();
			forget(forgotten);
			logger.warn("Queue '" + queue.name + "' keeps " + this.settings.deadLetterRetention()
					+ " dead letters (scalability.tasks.dead-letter-retention): forgot task " + forgotten.id
					+ " of type '" + forgotten.type + "'");
		}
	}

	private void expireCompleted() {
		long expiredBefore = this.clock.nanos() - this.settings.completedRetention().toNanos();
		MemoryTask oldest;
		while ((oldest = this.completed.peek()) != null && oldest.completedNanos - expiredBefore <= 0) {
			this.completed.poll();
			if (oldest.state == TaskState.SUCCEEDED) {
				forget(oldest);
			}
		}
	}

	private void forget(MemoryTask task) {
		this.tasks.remove(task.id);
		if (task.idempotencyKey != null) {
			this.idempotencyKeys.remove(task.idempotencyKey, task.id);
		}
	}

	/**
	 * One queue's tasks that are not finished, and its dead letters.
	 */
	private static final class QueueState {

		private final String name;

		private final Map<TaskPriority, ArrayDeque<MemoryTask>> ready = new EnumMap<>(TaskPriority.class);

		private final PriorityQueue<MemoryTask> delayed = new PriorityQueue<>(
				Comparator.comparingLong((MemoryTask task) -> task.dueNanos).thenComparingLong((task) -> task.order));

		private final ArrayDeque<MemoryTask> dead = new ArrayDeque<>();

		private int running;

		QueueState(String name) {
			this.name = name;
			for (TaskPriority priority : TaskPriority.values()) {
				this.ready.put(priority, new ArrayDeque<>());
			}
		}

		void makeReady(MemoryTask task, Instant now) {
			task.enter(TaskState.WAITING, now);
			this.ready.get(task.priority).add(task);
		}

		void delay(MemoryTask task, long dueNanos, Instant now) {
			task.enter(TaskState.DELAYED, now);
			task.dueNanos = dueNanos;
			this.delayed.add(task);
		}

		void promoteDue(long nowNanos, Instant now) {
			MemoryTask next;
			while ((next = this.delayed.peek()) != null && next.dueNanos - nowNanos <= 0) {
				makeReady(this.delayed.poll(), now);
			}
		}

		/**
		 * The ready task of the highest priority, oldest first, among the types handled here.
		 */
		MemoryTask peekReady(java.util.Set<String> handledTypes) {
			for (ArrayDeque<MemoryTask> tasks : this.ready.values()) {
				for (MemoryTask task : tasks) {
					if (handledTypes.contains(task.type)) {
						return task;
					}
				}
			}
			return null;
		}

		MemoryTask takeReady(java.util.Set<String> handledTypes) {
			for (ArrayDeque<MemoryTask> tasks : this.ready.values()) {
				for (Iterator<MemoryTask> iterator = tasks.iterator(); iterator.hasNext();) {
					MemoryTask task = iterator.next();
					if (handledTypes.contains(task.type)) {
						iterator.remove();
						return task;
					}
				}
			}
			return null;
		}

		long nanosToNextDue(long nowNanos) {
			MemoryTask next = this.delayed.peek();
			return (next != null) ? Math.max(0, next.dueNanos - nowNanos) : Long.MAX_VALUE;
		}

		QueueSnapshot snapshot() {
			long waiting = this.ready.values().stream().mapToLong(ArrayDeque::size).sum();
			return new QueueSnapshot(this.name, waiting, this.running, this.delayed.size(), this.dead.size());
		}

	}

	/**
	 * A task's record.
	 */
	private static final class MemoryTask {

		private final String id;

		private final String type;

		private final String queue;

		private final String payload;

		private final TaskPriority priority;

		private final Integer maxAttempts;

		private final String idempotencyKey;

		private final Instant submittedAt;

		private final long order;

		private TaskState state;

		private Instant updatedAt;

		private int attempts;

		private String lastError;

		private long dueNanos;

		private long completedNanos;

		private int duplicateSubmits;

		MemoryTask(String id, String type, String queue, String payload, TaskOptions options, Instant submittedAt,
				long order) {
			this.id = id;
			this.type = type;
			this.queue = queue;
			this.payload = payload;
			this.priority = options.priority();
			this.maxAttempts = options.maxAttempts();
			this.idempotencyKey = options.idempotencyKey();
			this.submittedAt = submittedAt;
			this.updatedAt = submittedAt;
			this.order = order;
		}

		void enter(TaskState next, Instant now) {
			this.state = next;
			this.updatedAt = now;
		}

		Task task() {
			return new Task(this.id, this.type, this.queue, this.payload, this.priority, this.attempts,
					this.submittedAt);
		}

		TaskStatus status() {
			return new TaskStatus(this.id, this.type, this.queue, this.state, this.priority, this.attempts,
					this.lastError, this.submittedAt, this.updatedAt, this.idempotencyKey, this.duplicateSubmits);
		}

		TaskDeadLetter deadLetter() {
			return new TaskDeadLetter(this.id, this.type, this.queue, this.attempts, this.lastError, this.updatedAt);
		}

	}

}
