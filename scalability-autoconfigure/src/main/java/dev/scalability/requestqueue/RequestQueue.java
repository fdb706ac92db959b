package dev.scalability.requestqueue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;

import dev.scalability.jvm.HeapUsage;
import dev.scalability.time.MonotonicClock;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Admits requests to a bounded number of slots; the rest wait, highest priority first,
 * and what cannot be served in time is refused at once. Nothing here blocks a thread: a
 * request that must wait gets a {@link Waiting} and hears later, through its
 * {@link Waiter}, whether it runs or is refused.
 *
 * <p>Within a priority, waiters are served oldest first, until the queue stands and
 * arrivals outpace the drain (see {@link StandingQueue}): then the newest first, and those
 * that waited past a short bound are refused. A request's deadline runs from its arrival; a waiter is refused when it
 * passes or when {@code maxWait} does, and a running request's slot is taken back when it
 * passes. {@link #sweep()} enforces both, and must be called every few milliseconds.
 */
public final class RequestQueue {

	private static final Log logger = LogFactory.getLog(RequestQueue.class);

	private static final long MEMORY_READ_NANOS = 100_000_000L;

	private static final long FULL_SCAN_NANOS = 100_000_000L;

	private static final long MAX_RETRY_AFTER_SECONDS = 60;

	private static final Priority[] PRIORITIES = Priority.values();

	private final ReentrantLock lock = new ReentrantLock();

	private final RequestQueueSettings settings;

	private final ConcurrencyLimit limit;

	private final ServerErrorBreaker breaker;

	private final HeapUsage heap;

	private final RequestQueueObserver observer;

	private final MonotonicClock clock;

	private final List<NodeList<Waiting>> waiting = new ArrayList<>();

	private final List<StandingQueue> standing = new ArrayList<>();

	/**
	 * Requests running within their deadline. While nobody waits, the common case, slots are
	 * taken and given back without the lock (a lock that every request takes twice is where
	 * a container's hundreds of threads would queue up); whoever removes a permit from this
	 * set frees its slot.
	 */
	private final Set<Permit> running = ConcurrentHashMap.newKeySet();

	/**
	 * How many slots are taken: only ever raised by {@link #tryTakeSlot()}, which never goes
	 * past the limit.
	 */
	private final AtomicInteger slotsTaken = new AtomicInteger();

	/**
	 * Requests still running past their deadline, whose slots were taken back. Written under
	 * the lock.
	 */
	private volatile int overrunning;

	private final Map<RefusalReason, LongAdder> refusals = new EnumMap<>(RefusalReason.class);

	private final Flow flow;

	private CompletableFuture<Void> idle = new CompletableFuture<>();

	/**
	 * Written under the lock; read without it by requests that would not wait.
	 */
	private volatile int waitingTotal;

	/**
	 * Requests that found no slot free and are being decided under the lock: while there are
	 * any, nobody takes or gives back a slot past them, so that a slot freed meanwhile goes
	 * to them in priority order and not to a later request.
	 */
	private final AtomicInteger contending = new AtomicInteger();

	private long lastMemoryRead;

	private long lastFullScan;

	private volatile double heapUsed;

	private volatile boolean memoryPressure;

	private volatile boolean shuttingDown;

	/**
	 * Creates a queue.
	 * @param settings how it behaves
	 * @param limit how many requests run at once
	 * @param breaker refuses requests while too many fail
	 * @param heap reads how full the heap is
	 * @param observer hears what happens, for metrics
	 * @param clock the time
	 */
	public RequestQueue(RequestQueueSettings settings, ConcurrencyLimit limit, ServerErrorBreaker breaker,
			HeapUsage heap, RequestQueueObserver observer, MonotonicClock clock) {
		this.settings = settings;
		this.limit = limit;
		this.breaker = breaker;
		this.heap = heap;
		this.observer = observer;
		this.clock = clock;
		long now = clock.nanos();
		for (int i = 0; i < PRIORITIES.length; i++) {
			this.waiting.add(new NodeList<>());
			this.standing.add(new StandingQueue(settings.standingQueueTarget().toNanos(),
					settings.standingQueueInterval().toNanos(), now));
		}
		for (RefusalReason reason : RefusalReason.values()) {
			this.refusals.put(reason, new LongAdder());
		}
		this.flow = new Flow(now);
		this.lastMemoryRead = now - MEMORY_READ_NANOS;
		this.lastFullScan = now;
		readHeap(now);
	}

	/**
	 * Decides on a request that has just arrived.
	 * @param priority its priority
	 * @param timeout its deadline from now; {@code null} for the default
	 * @param waiter hears how the wait ends, if the request must wait
	 * @return a permit to run now, a refusal, or the request's place in the queue
	 */
	public Admission admit(Priority priority, Duration timeout, Waiter waiter) {
		long now = this.clock.nanos();
		long deadline = now + ((timeout != null) ? timeout : this.settings.requestTimeout()).toNanos();
		if (this.shuttingDown) {
			return refused(priority, new Refusal(RefusalReason.SHUTTING_DOWN, 1), false);
		}
		boolean gated = priority != Priority.HIGH;
		if (gated && !this.breaker.tryAcquire()) {
			return refused(priority, new Refusal(RefusalReason.CIRCUIT_OPEN, this.breaker.retryAfterSeconds()), false);
		}
		if (this.waitingTotal == 0 && this.contending.get() == 0
				&& !(priority == Priority.LOW && this.memoryPressure)) {
			int inflight = tryTakeSlot();
			if (inflight > 0) {
				return startAtOnce(priority, now, deadline, gated, inflight);
			}
		}
		Admission admission;
		Refusal evicted = null;
		Waiting evictedWaiter = null;
		List<Handoff> handoffs = null;
		int inflight;
		this.contending.incrementAndGet();
		this.lock.lock();
		try {
			if (this.shuttingDown) {
				// Shut down since the check above: the shutdown may already have seen the
				// queue idle.
				admission = new Refusal(RefusalReason.SHUTTING_DOWN, 1);
			}
			else if (priority == Priority.LOW && this.memoryPressure) {
				admission = new Refusal(RefusalReason.MEMORY_PRESSURE, retryAfterLocked(priority));
			}
			else if (nobodyWaitsAtOrAbove(priority) && (inflight = tryTakeSlot()) > 0) {
				admission = grantOrGiveBack(priority, now, now, deadline, gated, inflight);
			}
			else if (this.flow.foundNoSlot(priority) && priority == Priority.MEDIUM && this.memoryPressure) {
				admission = new Refusal(RefusalReason.MEMORY_PRESSURE, retryAfterLocked(priority));
			}
			else if (this.waitingTotal >= this.settings.maxQueue()
					&& (evictedWaiter = evictForLocked(priority)) == null) {
				admission = new Refusal(RefusalReason.QUEUE_FULL, retryAfterLocked(priority));
			}
			else {
				if (evictedWaiter != null) {
					evicted = new Refusal(RefusalReason.QUEUE_FULL, retryAfterLocked(evictedWaiter.priority()));
				}
				long expiresAt = Math.min(now + this.settings.maxWait().toNanos(), deadline);
				Waiting entry = new Waiting(this, priority, now, expiresAt, deadline, gated, waiter);
				this.waiting.get(priority.ordinal()).addLast(entry);
				this.waitingTotal++;
				admission = entry;
				// A slot given back since it was found taken, by a request that saw nobody
				// waiting yet, goes to the queue now.
				handoffs = new ArrayList<>(0);
				drainLocked(this.clock.nanos(), handoffs);
			}
		}
		finally {
			this.lock.unlock();
			this.contending.decrementAndGet();
		}
		if (evictedWaiter != null) {
			tellRefused(evictedWaiter, evicted);
		}
		if (handoffs != null) {
			deliver(handoffs);
		}
		if (admission instanceof Refusal refusal) {
			return refused(priority, refusal, gated);
		}
		if (admission instanceof Permit) {
			this.flow.admitted(0);
			safely(() -> this.observer.admitted(priority, 0));
		}
		return admission;
	}

	/**
	 * Takes a slot if one is free and the requests still running past their deadline (whose
	 * slots were taken back) do not already fill another limit's worth. A dependency that
	 * hangs can thus at most double what runs at once, never exhaust the container's threads.
	 * @return how many slots are taken with this one, or 0 when none was free
	 */
	private int tryTakeSlot() {
		int limit = this.limit.current();
		while (true) {
			int taken = this.slotsTaken.get();
			if (taken >= limit || taken + this.overrunning >= 2 * limit) {
				return 0;
			}
			if (this.slotsTaken.compareAndSet(taken, taken + 1)) {
				return taken + 1;
			}
		}
	}

	/**
	 * Starts a request that found a slot free and nobody waiting, without the lock.
	 */
	private Admission startAtOnce(Priority priority, long now, long deadline, boolean gated, int inflight) {
		Permit permit = grantOrGiveBack(priority, now, now, deadline, gated, inflight);
		if (this.shuttingDown) {
			// Shut down between the check and the slot: what the shutdown waits for must not
			// start.
			abandon(permit);
			// The breaker's call was given back with the permit.
			return refused(priority, new Refusal(RefusalReason.SHUTTING_DOWN, 1), false);
		}
		this.flow.admitted(0);
		safely(() -> this.observer.admitted(priority, 0));
		return permit;
	}

	/**
	 * Runs a callback of the application (an observer, a breaker's listeners), which must not
	 * keep the queue from handing slots on.
	 */
	private static void safely(Runnable callback) {
		try {
			callback.run();
		}
		catch (RuntimeException ex) {
			logger.warn("A request queue callback failed; the queue goes on", ex);
		}
	}

	private boolean nobodyWaitsAtOrAbove(Priority priority) {
		for (int i = 0; i <= priority.ordinal(); i++) {
			if (!this.waiting.get(i).isEmpty()) {
				return false;
			}
		}
		return true;
	}

	/**
	 * Makes room for a request in a full queue by refusing the oldest waiter of the lowest
	 * priority below its own; or of its own priority while that queue is backlogged, since
	 * that waiter would be served last and refused soon anyway.
	 */
	private Waiting evictForLocked(Priority priority) {
		for (int i = PRIORITIES.length - 1; i >= priority.ordinal(); i--) {
			NodeList<Waiting> line = this.waiting.get(i);
			Waiting oldest = line.first();
			if (oldest == null) {
				continue;
			}
			if (i == priority.ordinal() && !this.standing.get(i).backlogged(this.flow.outpaced(priority))) {
				return null;
			}
			line.remove(oldest);
			this.waitingTotal--;
			return oldest;
		}
		return null;
	}

	/**
	 * Starts a request on a slot taken for it; gives the slot back if that fails (out of
	 * memory), so that no slot is ever lost.
	 */
	private Permit grantOrGiveBack(Priority priority, long arrivedAt, long now, long deadline, boolean gated,
			int inflight) {
		try {
			Permit permit = new Permit(this, priority, arrivedAt, now, deadline, gated, inflight);
			this.running.add(permit);
			return permit;
		}
		catch (Throwable ex) {
			this.slotsTaken.decrementAndGet();
			throw ex;
		}
	}

	/**
	 * Frees the slot of a request that ended, or its place among those running past their
	 * deadline, and hands slots on to waiters when there are any.
	 * @param inTime whether the request still held its slot (it ended within its deadline)
	 * @return the waiters to tell
	 */
	private List<Handoff> freeSlot(boolean inTime) {
		if (inTime) {
			this.slotsTaken.decrementAndGet();
			// Read after the slot is free: a request that starts waiting meanwhile either
			// finds the slot itself or is seen here.
			if (this.waitingTotal == 0 && this.contending.get() == 0 && !this.shuttingDown) {
				return List.of();
			}
		}
		List<Handoff> handoffs = new ArrayList<>(0);
		this.lock.lock();
		try {
			if (!inTime) {
				this.overrunning--;
			}
			// Not the time the request ended: a waiter may have arrived since.
			drainLocked(this.clock.nanos(), handoffs);
			checkIdleLocked();
		}
		finally {
			this.lock.unlock();
		}
		return handoffs;
	}

	private Refusal refused(Priority priority, Refusal refusal, boolean breakerAcquired) {
		if (breakerAcquired) {
			this.breaker.release();
		}
		this.refusals.get(refusal.reason()).increment();
		safely(() -> this.observer.refused(priority, refusal.reason()));
		return refusal;
	}

	void release(Permit permit, int status) {
		long now = this.clock.nanos();
		// Whoever removes the permit frees its slot: here, or the sweep that takes it back
		// at its deadline (and tells the limit and the breaker itself).
		boolean inTime = this.running.remove(permit);
		if (inTime) {
			// Told before the slot frees up, so that the next request is decided with it.
			long processing = now - permit.admittedAt();
			this.flow.completed(processing);
			safely(() -> this.limit.onSample(permit.admittedAt(), processing, permit.inflight(), false));
			if (permit.breakerAcquired()) {
				safely(() -> this.breaker.record(processing, status >= 500));
			}
			safely(() -> this.observer.completed(permit.priority(), processing));
		}
		deliver(freeSlot(inTime));
	}

	/**
	 * Frees the slot of a permit its request could not use (the request was gone when its
	 * turn came), telling neither the limit nor the breaker.
	 */
	void abandon(Permit permit) {
		boolean inTime = this.running.remove(permit);
		if (inTime) {
			this.flow.abandoned();
			if (permit.breakerAcquired()) {
				safely(this.breaker::release);
			}
		}
		deliver(freeSlot(inTime));
	}

	boolean cancel(Waiting entry) {
		boolean removed;
		this.lock.lock();
		try {
			removed = this.waiting.get(entry.priority().ordinal()).remove(entry);
			if (removed) {
				this.waitingTotal--;
				checkIdleLocked();
			}
		}
		finally {
			this.lock.unlock();
		}
		if (removed && entry.breakerAcquired()) {
			safely(this.breaker::release);
		}
		return removed;
	}

	/**
	 * Gives free slots to waiters, highest priority first.
	 */
	private void drainLocked(long now, List<Handoff> handoffs) {
		while (this.waitingTotal > 0) {
			int inflight = tryTakeSlot();
			if (inflight == 0) {
				return;
			}
			Waiting next;
			try {
				next = nextLocked(now, handoffs);
			}
			catch (Throwable ex) {
				this.slotsTaken.decrementAndGet();
				throw ex;
			}
			if (next == null) {
				this.slotsTaken.decrementAndGet();
				return;
			}
			handoffs.add(new Handoff(next, grantOrGiveBack(next.priority(), next.arrivedAt(), now, next.deadline(),
					next.breakerAcquired(), inflight)));
		}
	}

	private Waiting nextLocked(long now, List<Handoff> handoffs) {
		for (int i = 0; i < PRIORITIES.length; i++) {
			NodeList<Waiting> line = this.waiting.get(i);
			StandingQueue standing = this.standing.get(i);
			while (!line.isEmpty()) {
				standing.observe(now, now - line.first().arrivedAt());
				boolean backlogged = standing.backlogged(this.flow.outpaced(PRIORITIES[i]));
				Waiting next = backlogged ? line.last() : line.first();
				line.remove(next);
				this.waitingTotal--;
				if (now - next.expiresAt() >= 0
						|| (backlogged && standing.tooOld(now - next.arrivedAt(), slotTurnoverNanos()))) {
					handoffs.add(new Handoff(next, new Refusal(RefusalReason.WAIT_TIMEOUT, retryAfterLocked(next.priority()))));
					continue;
				}
				return next;
			}
		}
		return null;
	}

	/**
	 * Refuses the waiters that waited too long, takes back the slots of requests past their
	 * deadline, and measures the flow and the heap. Call it every few milliseconds.
	 */
	public void sweep() {
		long readAt = this.clock.nanos();
		if (readAt - this.lastMemoryRead >= MEMORY_READ_NANOS) {
			readHeap(readAt);
		}
		List<Handoff> handoffs = new ArrayList<>(0);
		List<Permit> overdue = null;
		long now;
		this.lock.lock();
		try {
			// Read under the lock: no waiter arrived after it.
			now = this.clock.nanos();
			boolean fullScan = now - this.lastFullScan >= FULL_SCAN_NANOS;
			if (fullScan) {
				this.lastFullScan = now;
			}
			for (int i = 0; i < PRIORITIES.length; i++) {
				expireLocked(now, this.waiting.get(i), this.standing.get(i),
						this.flow.outpaced(PRIORITIES[i]), fullScan, handoffs);
			}
			for (Permit permit : this.running) {
				if (now - permit.deadline() >= 0 && this.running.remove(permit)) {
					this.overrunning++;
					this.slotsTaken.decrementAndGet();
					overdue = (overdue != null) ? overdue : new ArrayList<>(2);
					overdue.add(permit);
				}
			}
			drainLocked(now, handoffs);
			this.flow.update(now);
			checkIdleLocked();
		}
		finally {
			this.lock.unlock();
		}
		// Slots first: telling overdue requests may take a while.
		deliver(handoffs);
		if (overdue != null) {
			for (Permit permit : overdue) {
				takeBack(permit, now);
			}
		}
	}

	private void expireLocked(long now, NodeList<Waiting> line, StandingQueue standing, boolean outpaced,
			boolean fullScan, List<Handoff> handoffs) {
		Waiting oldest = line.first();
		standing.observe(now, (oldest != null) ? now - oldest.arrivedAt() : 0);
		boolean backlogged = standing.backlogged(outpaced);
		Waiting entry = oldest;
		while (entry != null) {
			Waiting next = line.next(entry);
			if (now - entry.expiresAt() >= 0
					|| (backlogged && standing.tooOld(now - entry.arrivedAt(), slotTurnoverNanos()))) {
				line.remove(entry);
				this.waitingTotal--;
				handoffs.add(new Handoff(entry,
						new Refusal(RefusalReason.WAIT_TIMEOUT, retryAfterLocked(entry.priority()))));
			}
			else if (!fullScan) {
				return;
			}
			entry = next;
		}
	}

	/**
	 * How long it takes, lately, for some slot to free up; as long as a wait may last when
	 * nothing has freed up lately, since then nobody can tell a standing queue from slow
	 * requests.
	 */
	private long slotTurnoverNanos() {
		double rate = this.flow.drainPerSecond();
		return (rate > 0.01) ? (long) (1e9 / rate) : this.settings.maxWait().toNanos();
	}

	private void takeBack(Permit permit, long now) {
		long processing = now - permit.admittedAt();
		this.flow.abandoned();
		this.refusals.get(RefusalReason.REQUEST_TIMEOUT).increment();
		safely(() -> this.limit.onSample(permit.admittedAt(), processing, permit.inflight(), true));
		if (permit.breakerAcquired()) {
			safely(() -> this.breaker.record(processing, true));
		}
		safely(() -> this.observer.refused(permit.priority(), RefusalReason.REQUEST_TIMEOUT));
		safely(permit::markOverdue);
	}

	private void readHeap(long now) {
		this.lastMemoryRead = now;
		double used = this.heap.usedAfterGc();
		this.heapUsed = used;
		this.memoryPressure = used > this.settings.heapThreshold();
	}

	private long retryAfterLocked(Priority priority) {
		int ahead = 0;
		for (int i = 0; i <= priority.ordinal(); i++) {
			ahead += this.waiting.get(i).size();
		}
		// What drains lately, or what the slots can drain at the latest known processing time,
		// whichever is faster: after a quiet spell the drain seen says little.
		double processing = this.flow.averageProcessingNanos();
		double capacity = (processing > 0) ? this.limit.current() * 1e9 / processing : 0;
		double rate = Math.max(this.flow.drainPerSecond(), capacity);
		if (rate < 0.01) {
			return Math.max(1, ceilSeconds(this.settings.maxWait().toNanos()));
		}
		long seconds = (long) Math.ceil((ahead + 1) / rate);
		return Math.max(1, Math.min(MAX_RETRY_AFTER_SECONDS, seconds));
	}

	private static long ceilSeconds(long nanos) {
		return (nanos + 999_999_999L) / 1_000_000_000L;
	}

	private void deliver(List<Handoff> handoffs) {
		for (Handoff handoff : handoffs) {
			if (handoff.permit != null) {
				Permit permit = handoff.permit;
				long waited = permit.waitedNanos();
				this.flow.admitted(waited);
				safely(() -> this.observer.admitted(permit.priority(), waited));
				try {
					handoff.waiter.waiter().admitted(permit);
				}
				catch (RuntimeException ex) {
					permit.abandon();
				}
			}
			else {
				tellRefused(handoff.waiter, handoff.refusal);
			}
		}
	}

	private void tellRefused(Waiting entry, Refusal refusal) {
		refused(entry.priority(), refusal, entry.breakerAcquired());
		try {
			entry.waiter().refused(refusal);
		}
		catch (RuntimeException ex) {
			// The request is gone; nothing is held for it any more.
		}
	}

	/**
	 * Stops admitting: from now on every new request is refused with
	 * {@link RefusalReason#SHUTTING_DOWN}, while those waiting and running go on.
	 * @return completes when none waits or runs any more
	 */
	public CompletableFuture<Void> shutdown() {
		this.lock.lock();
		try {
			this.shuttingDown = true;
			checkIdleLocked();
			return this.idle;
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Refuses every request still waiting, for shutdown.
	 * @return how many there were
	 */
	public int refuseWaiting() {
		List<Handoff> handoffs = new ArrayList<>();
		this.lock.lock();
		try {
			for (NodeList<Waiting> line : this.waiting) {
				for (Waiting entry : line.removeAll()) {
					handoffs.add(new Handoff(entry, new Refusal(RefusalReason.SHUTTING_DOWN, 1)));
				}
			}
			this.waitingTotal = 0;
			checkIdleLocked();
		}
		finally {
			this.lock.unlock();
		}
		deliver(handoffs);
		return handoffs.size();
	}

	private void checkIdleLocked() {
		if (this.shuttingDown && this.waitingTotal == 0 && this.slotsTaken.get() == 0 && !this.idle.isDone()) {
			this.idle.complete(null);
		}
	}

	/**
	 * Admits requests again after {@link #shutdown()}, as when a stopped application
	 * context is started again (a checkpoint restored, a context restarted).
	 */
	public void reopen() {
		this.lock.lock();
		try {
			this.shuttingDown = false;
			if (this.idle.isDone()) {
				this.idle = new CompletableFuture<>();
			}
		}
		finally {
			this.lock.unlock();
		}
	}

	public boolean shuttingDown() {
		return this.shuttingDown;
	}

	long now() {
		return this.clock.nanos();
	}

	/**
	 * The queue now.
	 * @return the snapshot
	 */
	public RequestQueueSnapshot snapshot() {
		Map<Priority, Integer> pending = new EnumMap<>(Priority.class);
		Map<Priority, Boolean> standing = new EnumMap<>(Priority.class);
		int running;
		int overrunning;
		this.lock.lock();
		try {
			for (Priority priority : PRIORITIES) {
				pending.put(priority, this.waiting.get(priority.ordinal()).size());
				standing.put(priority,
						this.standing.get(priority.ordinal()).backlogged(this.flow.outpaced(priority)));
			}
			running = this.slotsTaken.get();
			overrunning = this.overrunning;
		}
		finally {
			this.lock.unlock();
		}
		Map<RefusalReason, Long> rejected = new EnumMap<>(RefusalReason.class);
		this.refusals.forEach((reason, count) -> rejected.put(reason, count.sum()));
		return new RequestQueueSnapshot(pending, running, overrunning, this.limit.current(),
				this.limit.adaptive(), this.flow.completedTotal(), rejected,
				Duration.ofNanos((long) this.flow.averageWaitNanos()),
				Duration.ofNanos((long) this.flow.averageProcessingNanos()), this.flow.drainPerSecond(), standing,
				this.breaker.state(), this.heapUsed, this.memoryPressure, this.shuttingDown);
	}

	/**
	 * How many requests wait at a priority, for gauges.
	 * @param priority the priority
	 * @return the count
	 */
	public int pending(Priority priority) {
		this.lock.lock();
		try {
			return this.waiting.get(priority.ordinal()).size();
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * How many requests run within their deadline, for gauges.
	 * @return the count
	 */
	public int running() {
		return this.slotsTaken.get();
	}

	public int currentLimit() {
		return this.limit.current();
	}

	public ServerErrorBreaker breaker() {
		return this.breaker;
	}

	/**
	 * The end of a wait: a permit or a refusal for a waiter.
	 */
	private static final class Handoff {

		final Waiting waiter;

		final Permit permit;

		final Refusal refusal;

		Handoff(Waiting waiter, Permit permit) {
			this.waiter = waiter;
			this.permit = permit;
			this.refusal = null;
		}

		Handoff(Waiting waiter, Refusal refusal) {
			this.waiter = waiter;
			this.permit = null;
			this.refusal = refusal;
		}

	}

}
