package dev.scalability.requestqueue;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * A request's right to run. Released once, when the request ends, whatever the way; the
 * queue also takes it back by itself when the request's deadline passes, and then tells
 * the listener given to {@link #onDeadline(Runnable)} so that the client gets its answer.
 */
public final class Permit implements Admission {

	private static final AtomicIntegerFieldUpdater<Permit> ENDED = AtomicIntegerFieldUpdater.newUpdater(Permit.class,
			"ended");

	private static final AtomicIntegerFieldUpdater<Permit> DEADLINE_TOLD = AtomicIntegerFieldUpdater
		.newUpdater(Permit.class, "deadlineTold");

	private final RequestQueue queue;

	private final Priority priority;

	private final long arrivedAt;

	private final long admittedAt;

	private final long deadline;

	private final boolean breakerAcquired;

	private final int inflight;

	private volatile boolean overdue;

	private volatile Runnable deadlineListener;

	private volatile int deadlineTold;

	private volatile int ended;

	/**
	 * Drawn at random rather than the identity hash, which the JVM computes out of line the
	 * first time: the queue keeps its running permits in a hash set.
	 */
	private final int hash = ThreadLocalRandom.current().nextInt();

	Permit(RequestQueue queue, Priority priority, long arrivedAt, long admittedAt, long deadline,
			boolean breakerAcquired, int inflight) {
		this.queue = queue;
		this.priority = priority;
		this.arrivedAt = arrivedAt;
		this.admittedAt = admittedAt;
		this.deadline = deadline;
		this.breakerAcquired = breakerAcquired;
		this.inflight = inflight;
	}

	public Priority priority() {
		return this.priority;
	}

	/**
	 * How long the request waited for this permit.
	 * @return nanoseconds; 0 when admitted at once
	 */
	public long waitedNanos() {
		return this.admittedAt - this.arrivedAt;
	}

	/**
	 * How long the request has left before its deadline.
	 * @return nanoseconds, negative when past it
	 */
	public long remainingNanos() {
		return this.deadline - this.queue.now();
	}

	/**
	 * Whether the deadline passed while the request ran; its slot is already given back.
	 * @return whether it is overdue
	 */
	public boolean overdue() {
		return this.overdue;
	}

	/**
	 * Asks to be told, once, when the deadline passes while the request runs; at once when
	 * it already has.
	 * @param listener what to do then, quickly, on the queue's timer
	 */
	public void onDeadline(Runnable listener) {
		this.deadlineListener = listener;
		if (this.overdue) {
			tellDeadline();
		}
	}

	/**
	 * Ends the request: gives the slot to the next waiter, and tells the limit and the
	 * breaker how it went. Only the first call counts.
	 * @param status the response's status
	 */
	public void release(int status) {
		if (ENDED.compareAndSet(this, 0, 1)) {
			this.queue.release(this, status);
		}
	}

	/**
	 * Gives the slot back unused: the request was gone when its turn came. Tells neither
	 * the limit nor the breaker anything. Only the first call of this or
	 * {@link #release(int)} counts.
	 */
	public void abandon() {
		if (ENDED.compareAndSet(this, 0, 1)) {
			this.queue.abandon(this);
		}
	}

	void markOverdue() {
		this.overdue = true;
		tellDeadline();
	}

	private void tellDeadline() {
		Runnable listener = this.deadlineListener;
		if (listener != null && DEADLINE_TOLD.compareAndSet(this, 0, 1)) {
			listener.run();
		}
	}

	long arrivedAt() {
		return this.arrivedAt;
	}

	long admittedAt() {
		return this.admittedAt;
	}

	long deadline() {
		return this.deadline;
	}

	boolean breakerAcquired() {
		return this.breakerAcquired;
	}

	int inflight() {
		return this.inflight;
	}

	@Override
	public int hashCode() {
		return this.hash;
	}

}
