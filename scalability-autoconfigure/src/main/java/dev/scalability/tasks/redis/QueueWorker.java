package dev.scalability.tasks.redis;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.scalability.delivery.FailureDescription;
import dev.scalability.delivery.GroupCommit;
import dev.scalability.delivery.HandlingOutcome;
import dev.scalability.delivery.RetryPolicy;
import dev.scalability.permits.PermitGrant;
import dev.scalability.redis.RedisCallException;
import dev.scalability.tasks.QueueRateLimits;
import dev.scalability.tasks.Task;
import dev.scalability.tasks.TaskPriority;
import dev.scalability.tasks.TaskRegistration;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * This instance's workers of one queue: {@code concurrency} handler threads and one thread
 * that leases them tasks ({@code fetch.lua}), as many at a time as threads are free. A task
 * stays leased to this instance while it runs, renewed three times per lease; then its try
 * is settled in one script.
 */
final class QueueWorker {

	private static final Log logger = LogFactory.getLog(QueueWorker.class);

	private static final long PERMIT_WAIT_MILLIS = 100;

	private static final long MAX_PAUSE_MILLIS = 2_000;

	private static final long FIRST_POLL_MILLIS = 10;

	private static final int RENEW_BATCH = 100;

	private static final int SETTLE_BATCH = 100;

	private static final long GIVE_BACK_DELAY_MILLIS = 1_000;

	private static final int MAX_UNHANDLED_TYPES_LOGGED = 100;

	private final String queue;

	private final int concurrency;

	private final RedisTaskQueue owner;

	private final Semaphore free;

	/**
	 * The tasks that run here, by id, with the lease of their try.
	 */
	private final Map<String, String> held = new ConcurrentHashMap<>();

	private final Queue<Settlement> unsettled = new ConcurrentLinkedQueue<>();

	/**
	 * Handler threads settle in turns, many tries in one script.
	 */
	private final GroupCommit<Settlement> settlements = new GroupCommit<>(SETTLE_BATCH, this::settleBatch);

	private volatile boolean running;

	private volatile boolean renewalFailing;

	private final java.util.Set<String> unhandledTypes = ConcurrentHashMap.newKeySet();

	private Stopping stopping;

	/**
	 * Released when a task arrives for an idle fetcher.
	 */
	private final Semaphore wakeSignal = new Semaphore(0);

	private volatile int generation;

	private CountDownLatch stopSignal = new CountDownLatch(0);

	private Thread fetcher;

	private ThreadPoolExecutor handlers;

	QueueWorker(String queue, int concurrency, RedisTaskQueue owner) {
		this.queue = queue;
		this.concurrency = concurrency;
		this.owner = owner;
		this.free = new Semaphore(concurrency);
	}

	String queue() {
		return this.queue;
	}

	synchronized void start() {
		if (this.running) {
			return;
		}
		this.running = true;
		this.stopSignal = new CountDownLatch(1);
		int fetcherGeneration = ++this.generation;
		CountDownLatch fetcherStopSignal = this.stopSignal;
		AtomicInteger threads = new AtomicInteger();
		this.handlers = new ThreadPoolExecutor(this.concurrency, this.concurrency, 0, TimeUnit.MILLISECONDS,
				new LinkedBlockingQueue<>(),
				(task) -> daemon(task, "tasks-" + this.queue + "-" + threads.incrementAndGet()));
		this.fetcher = daemon(() -> fetch(fetcherGeneration, fetcherStopSignal), "tasks-" + this.queue + "-fetcher");
		this.fetcher.start();
	}

	/**
	 * Stops fetching and lets the running tasks finish.
	 * @param deadline when to give up waiting, in {@link System#nanoTime()}
	 * @return whether every task finished in time
	 */
	/**
	 * Stops fetching, at once: a queue of several stops fetching in all of them before it
	 * waits for any running task.
	 */
	synchronized void stopFetching() {
		if (!this.running) {
			return;
		}
		this.running = false;
		this.stopSignal.countDown();
		wake();
		this.stopping = new Stopping(this.fetcher, this.handlers);
	}

	/**
	 * Waits for the fetcher and the running tasks, after {@link #stopFetching()}.
	 * @param deadline when to give up waiting, in {@link System#nanoTime()}
	 * @return whether every task finished in time
	 */
	boolean awaitStopped(long deadline) {
		Stopping current;
		synchronized (this) {
			current = this.stopping;
			this.stopping = null;
		}
		if (current == null) {
			return true;
		}
		boolean finished;
		try {
			current.fetcher().join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
			current.handlers().shutdown();
			finished = current.handlers()
				.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
			if (!finished) {
				current.handlers().shutdownNow();
				current.handlers().awaitTermination(1, TimeUnit.SECONDS);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			current.handlers().shutdownNow();
			finished = false;
		}
		settleAgain();
		if (!this.unsettled.isEmpty()) {
			logger.warn(this.unsettled.size() + " tasks of queue '" + this.queue + "' ended but Redis did not hear of "
					+ "it before the stop: they run again once their lease runs out");
		}
		return finished;
	}

	private record Stopping(Thread fetcher, ThreadPoolExecutor handlers) {

	}


	/**
	 * Extends the leases of the tasks that run here, and forgets those another worker has
	 * now.
	 */
	void renew() {
		List<Map.Entry<String, String>> ids = new ArrayList<>(this.held.entrySet());
		for (int from = 0; from < ids.size(); from += RENEW_BATCH) {
			List<Map.Entry<String, String>> batch = ids.subList(from, Math.min(ids.size(), from + RENEW_BATCH));
			List<byte[]> args = new ArrayList<>(List.of(this.owner.keys().taskPrefix(this.queue),
					TaskKeys.bytes(this.owner.redisSettings().worker()),
					RedisTaskQueue.number(this.owner.redisSettings().lease().toMillis()), this.owner.offset()));
			batch.forEach((entry) -> {
				args.add(TaskKeys.bytes(entry.getKey()));
				args.add(TaskKeys.bytes(entry.getValue()));
			});
			try {
				List<Object> lost = this.owner.redis()
					.script(TaskScripts.RENEW, new byte[][] { this.owner.keys().running(this.queue) },
							args.toArray(new byte[0][]));
				Map<String, String> sent = new java.util.HashMap<>();
				batch.forEach((entry) -> sent.put(entry.getKey(), entry.getValue()));
				for (Object id : lost) {
					// Only the try renewal asked about: a later try of the task may run here now.
					this.held.remove(TaskKeys.text(id), sent.get(TaskKeys.text(id)));
				}
				this.renewalFailing = false;
			}
			catch (RedisCallException ex) {
				if (!this.renewalFailing) {
					logger.warn("Could not renew the leases of the tasks of queue '" + this.queue
							+ "' running here; tried again until the leases run out: " + ex.getMessage());
					this.renewalFailing = true;
				}
				return;
			}
		}
	}

	/**
	 * Settles again the tries Redis did not hear the end of.
	 */
	void settleAgain() {
		for (int left = this.unsettled.size(); left > 0;) {
			List<Settlement> batch = new ArrayList<>();
			Settlement next;
			while (batch.size() < SETTLE_BATCH && left > 0 && (next = this.unsettled.poll()) != null) {
				batch.add(next);
				left--;
			}
			if (batch.isEmpty() || !settleBatch(batch)) {
				return;
			}
		}
	}


	/**
	 * Wakes the fetcher if it waits for tasks: one arrived in the queue.
	 */
	void wake() {
		if (this.wakeSignal.availablePermits() == 0) {
			this.wakeSignal.release();
		}
	}

	private void fetch(int fetcherGeneration, CountDownLatch fetcherStopSignal) {
		long longestIdle = this.owner.redisSettings().poll().toMillis();
		QueueRateLimits limits = this.owner.settings().rateLimits();
		long pause = Math.min(FIRST_POLL_MILLIS, longestIdle);
		long idle = pause;
		boolean failing = false;
		// A fetch of an earlier run of this instance may have leased tasks it never got.
		boolean reclaim = true;
		try {
			while (this.running && this.generation == fetcherGeneration) {
				int permits = takePermits();
				if (permits == 0) {
					continue;
				}
				PermitGrant grant = limits.take(this.queue, permits);
				if (grant.permits() < permits) {
					this.free.release(permits - grant.permits());
					permits = grant.permits();
				}
				if (permits == 0) {
					// The queue's rate limit: no task may start before then.
					if (fetcherStopSignal.await(Math.max(1, TimeUnit.NANOSECONDS.toMillis(grant.retryAfterNanos())),
							TimeUnit.MILLISECONDS)) {
						return;
					}
					continue;
				}
				int started = 0;
				long dueInMillis = -1;
				try {
					if (reclaim) {
						reclaim();
						reclaim = false;
					}
					// Drained before the fetch: a task submitted from now on wakes a wait below.
					this.wakeSignal.drainPermits();
					List<Object> reply = this.owner.redis()
						.script(TaskScripts.FETCH, fetchKeys(), this.owner.keys().taskPrefix(this.queue),
								TaskKeys.bytes(this.owner.redisSettings().worker()), RedisTaskQueue.number(permits),
								RedisTaskQueue.number(this.owner.redisSettings().lease().toMillis()),
								RedisTaskQueue.number(this.owner.settings().retryPolicy().maxAttempts()),
								this.owner.offset(),
								RedisTaskQueue.number(this.owner.settings().deadLetterRetention()),
								this.owner.keys().idempotencyPrefix(this.queue));
					dueInMillis = (Long) reply.get(0);
					for (Object entry : reply.subList(1, reply.size())) {
						if (start((List<?>) entry)) {
							started++;
						}
					}
					if (failing) {
						logger.info("Queue '" + this.queue + "' fetches tasks again");
						failing = false;
					}
					if (!this.unsettled.isEmpty()) {
						// Redis answers again: the ends it did not hear of are told now, not at
						// the next renewal.
						settleAgain();
					}
					pause = Math.min(FIRST_POLL_MILLIS, longestIdle);
				}
				catch (RedisCallException ex) {
					// Its reply lost, the fetch may have leased tasks all the same.
					reclaim = true;
					if (!failing) {
						logger.warn("Queue '" + this.queue + "' cannot fetch tasks for now, and tries again: "
								+ ex.getMessage());
						failing = true;
					}
					if (fetcherStopSignal.await(pause, TimeUnit.MILLISECONDS)) {
						return;
					}
					pause = Math.min(Math.max(pause * 2, 50), MAX_PAUSE_MILLIS);
					continue;
				}
				catch (RuntimeException ex) {
					// The fetcher never dies of it: the queue would stop while health says up.
					logger.error("Queue '" + this.queue + "' failed to fetch tasks, and tries again", ex);
					reclaim = true;
					if (fetcherStopSignal.await(MAX_PAUSE_MILLIS, TimeUnit.MILLISECONDS)) {
						return;
					}
					continue;
				}
				finally {
					this.free.release(permits - started);
					limits.giveBack(this.queue, grant, permits - started);
				}
				if (started > 0) {
					idle = Math.min(FIRST_POLL_MILLIS, longestIdle);
					continue;
				}
				// Nothing to do: wait for a wake-up, or for the next due task or lease, or
				// poll more and more slowly while no wake-up can come.
				long wait;
				if (this.owner.wakeUps().isListening(this.owner.keys().wakeChannel(this.queue))) {
					wait = longestIdle;
				}
				else {
					wait = idle;
					idle = Math.min(idle * 2, longestIdle);
				}
				if (dueInMillis >= 0) {
					wait = Math.min(wait, dueInMillis + 1);
				}
				this.wakeSignal.tryAcquire(Math.max(1, wait), TimeUnit.MILLISECONDS);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private int takePermits() throws InterruptedException {
		int permits = this.free.drainPermits();
		if (permits > 0) {
			return permits;
		}
		if (!this.free.tryAcquire(PERMIT_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
			return 0;
		}
		return 1 + this.free.drainPermits();
	}

	private byte[][] fetchKeys() {
		TaskKeys keys = this.owner.keys();
		return new byte[][] { keys.ready(this.queue), keys.delayed(this.queue), keys.running(this.queue),
				keys.dead(this.queue), keys.counter(this.queue) };
	}

	private Leased leased(List<?> entry) {
		String id = TaskKeys.text(entry.get(0));
		String maxAttempts = TaskKeys.text(entry.get(6));
		Task task = new Task(id, TaskKeys.text(entry.get(1)), this.queue, TaskKeys.text(entry.get(2)),
				TaskPriority.values()[Integer.parseInt(TaskKeys.text(entry.get(3)))], ((Long) entry.get(4)).intValue(),
				Instant.ofEpochMilli(Long.parseLong(TaskKeys.text(entry.get(5)))));
		return new Leased(task, maxAttempts.isEmpty() ? null : Integer.valueOf(maxAttempts),
				TaskKeys.text(entry.get(7)));
	}

	/**
	 * Starts a leased task on a handler thread.
	 * @return whether it started (and holds a permit until it ends); a task that cannot even
	 * be read is a dead letter at once
	 */
	private boolean start(List<?> entry) {
		String id = TaskKeys.text(entry.get(0));
		Leased leased;
		try {
			leased = leased(entry);
		}
		catch (RuntimeException ex) {
			logger.error("Task " + id + " of queue '" + this.queue + "' cannot be read: it becomes a dead letter", ex);
			settle(new Settlement(id, (entry.size() > 7) ? TaskKeys.text(entry.get(7)) : "", "dead", 0,
					"the task's record cannot be read: " + ex));
			return false;
		}
		this.held.put(id, leased.lease());
		try {
			this.handlers.execute(() -> {
				try {
					run(leased);
				}
				finally {
					this.free.release();
				}
			});
			return true;
		}
		catch (java.util.concurrent.RejectedExecutionException ex) {
			// Stopping: the lease runs out, or the next start reclaims it.
			this.held.remove(id);
			return false;
		}
	}

	private void reclaim() {
		List<byte[]> args = new ArrayList<>(List.of(this.owner.keys().taskPrefix(this.queue),
				TaskKeys.bytes(this.owner.redisSettings().worker()), this.owner.offset()));
		this.held.keySet().forEach((id) -> args.add(TaskKeys.bytes(id)));
		TaskKeys keys = this.owner.keys();
		List<Object> reply = this.owner.redis()
			.script(TaskScripts.RECLAIM,
					new byte[][] { keys.running(this.queue), keys.ready(this.queue), keys.counter(this.queue) },
					args.toArray(new byte[0][]));
		long back = (Long) reply.get(0);
		if (back > 0) {
			logger.info("Queue '" + this.queue + "' gave back " + back
					+ " tasks leased to this instance by a fetch whose answer it never got");
		}
	}

	private void run(Leased leased) {
		Task task = leased.task();
		TaskRegistration registration = this.owner.handler(task.type());
		if (registration == null) {
			// Another instance has its handler (a rolling deploy, a worker tier): given back
			// for it, the try not counted.
			if (this.unhandledTypes.size() < MAX_UNHANDLED_TYPES_LOGGED && this.unhandledTypes.add(task.type())) {
				logger.warn("Tasks of type '" + task.type() + "' reach queue '" + this.queue + "' on instance '"
						+ this.owner.redisSettings().worker() + "', which has no handler of them: they are given "
						+ "back for an instance that has, every " + GIVE_BACK_DELAY_MILLIS + " ms");
			}
			settle(new Settlement(task.id(), leased.lease(), "back", GIVE_BACK_DELAY_MILLIS, ""));
			return;
		}
		HandlingOutcome outcome;
		try {
			outcome = registration.runner().handle(task);
			if (outcome == null) {
				outcome = HandlingOutcome.success(null);
			}
		}
		catch (RuntimeException | Error ex) {
			outcome = HandlingOutcome.failure(ex);
		}
		boolean interrupted = Thread.interrupted();
		try {
			settle(settlement(leased, outcome));
		}
		finally {
			if (interrupted) {
				Thread.currentThread().interrupt();
			}
		}
	}

	private Settlement settlement(Leased leased, HandlingOutcome outcome) {
		if (outcome.succeeded()) {
			return new Settlement(leased.task().id(), leased.lease(), "ok", 0, "");
		}
		RetryPolicy defaults = this.owner.settings().retryPolicy();
		RetryPolicy policy = (leased.maxAttempts() != null) ? new RetryPolicy(leased.maxAttempts(), defaults.backoff())
				: defaults;
		Optional<Duration> retryAfter = policy.retryAfter(leased.task().attempt(), outcome);
		String error = FailureDescription.of(outcome.failure());
		return retryAfter
			.map((delay) -> new Settlement(leased.task().id(), leased.lease(), "retry", delay.toMillis(), error))
			.orElseGet(() -> new Settlement(leased.task().id(), leased.lease(), "dead", 0, error));
	}

	/**
	 * Tells Redis how a try ended, along with the tries other handler threads ended
	 * meanwhile.
	 * @return {@code false} when Redis did not hear of a batch this thread sent
	 */
	private boolean settle(Settlement settlement) {
		return this.settlements.add(settlement);
	}

	private boolean settleBatch(List<Settlement> batch) {
		TaskKeys keys = this.owner.keys();
		List<byte[]> args = new ArrayList<>(List.of(keys.taskPrefix(this.queue), keys.idempotencyPrefix(this.queue),
				TaskKeys.bytes(this.owner.redisSettings().worker()),
				RedisTaskQueue.number(this.owner.settings().completedRetention().toMillis()),
				RedisTaskQueue.number(this.owner.settings().deadLetterRetention()), this.owner.offset()));
		for (Settlement settlement : batch) {
			args.add(TaskKeys.bytes(settlement.id()));
			args.add(TaskKeys.bytes(settlement.lease()));
			args.add(TaskKeys.bytes(settlement.outcome()));
			args.add(RedisTaskQueue.number(settlement.backoffMillis()));
			args.add(TaskKeys.bytes(settlement.error()));
		}
		List<Object> reply;
		try {
			reply = this.owner.redis()
				.script(TaskScripts.SETTLE,
						new byte[][] { keys.running(this.queue), keys.delayed(this.queue), keys.dead(this.queue) },
						args.toArray(new byte[0][]));
		}
		catch (RedisCallException ex) {
			if (this.unsettled.isEmpty()) {
				logger.warn(batch.size() + " tasks of queue '" + this.queue + "' ended but Redis did not hear of it ("
						+ ex.getMessage() + "); it is told again until it does");
			}
			this.unsettled.addAll(batch);
			return false;
		}
		catch (RuntimeException | Error ex) {
			this.unsettled.addAll(batch);
			throw ex;
		}
		for (int i = 0; i < batch.size(); i++) {
			Settlement settlement = batch.get(i);
			this.held.remove(settlement.id(), settlement.lease());
			if ((Long) reply.get(i) == 1 && "back".equals(settlement.outcome())) {
				wake();
			}
			else if ((Long) reply.get(i) == 1) {
				if ("retry".equals(settlement.outcome())) {
					// A fetcher asleep must learn when the retry comes due: the next fetch says.
					wake();
				}
				this.owner.observer()
					.completed(this.queue, "ok".equals(settlement.outcome()) ? "success" : settlement.outcome());
			}
			else {
				logger.warn("Task " + settlement.id() + " of queue '" + this.queue + "' ended (" + settlement.outcome()
						+ ") after its lease ran out: another worker has it, and its end here is not recorded");
			}
		}
		return true;
	}

	private static Thread daemon(Runnable task, String name) {
		Thread thread = new Thread(task, name);
		thread.setDaemon(true);
		return thread;
	}

	private record Leased(Task task, Integer maxAttempts, String lease) {

	}

	private record Settlement(String id, String lease, String outcome, long backoffMillis, String error) {

	}

}
