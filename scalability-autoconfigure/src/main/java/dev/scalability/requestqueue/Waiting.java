package dev.scalability.requestqueue;

/**
 * A request waiting in the queue. Its {@link Waiter} hears how the wait ends; the caller
 * may give up on it first ({@link #cancel()}), when the client goes away.
 */
public final class Waiting extends QueueNode implements Admission {

	private final RequestQueue queue;

	private final Priority priority;

	private final long arrivedAt;

	private final long expiresAt;

	private final long deadline;

	private final boolean breakerAcquired;

	private final Waiter waiter;

	Waiting(RequestQueue queue, Priority priority, long arrivedAt, long expiresAt, long deadline,
			boolean breakerAcquired, Waiter waiter) {
		this.queue = queue;
		this.priority = priority;
		this.arrivedAt = arrivedAt;
		this.expiresAt = expiresAt;
		this.deadline = deadline;
		this.breakerAcquired = breakerAcquired;
		this.waiter = waiter;
	}

	public Priority priority() {
		return this.priority;
	}

	/**
	 * Takes the request out of the queue, if it is still there; its waiter hears nothing.
	 * @return whether it was still waiting
	 */
	public boolean cancel() {
		return this.queue.cancel(this);
	}

	/**
	 * How long the request may still wait.
	 * @return nanoseconds, negative once it may not
	 */
	public long remainingWaitNanos() {
		return this.expiresAt - this.queue.now();
	}

	long arrivedAt() {
		return this.arrivedAt;
	}

	long expiresAt() {
		return this.expiresAt;
	}

	long deadline() {
		return this.deadline;
	}

	boolean breakerAcquired() {
		return this.breakerAcquired;
	}

	Waiter waiter() {
		return this.waiter;
	}

}
