package dev.scalability.requestqueue;

/**
 * Tells a standing queue from a burst, as CoDel does (Nichols and Jacobson; Facebook's
 * folly {@code Codel}): a burst drains, a standing queue does not. When the shortest wait
 * seen over a whole interval stays above the target, the queue is standing for the next
 * interval: waiters older than twice the target are refused, since they are turning into
 * latency without adding throughput, and the newest are served first, since they are the
 * ones whose clients are still there.
 */
final class StandingQueue {

	private final long targetNanos;

	private final long intervalNanos;

	private long intervalEnd;

	private long shortestWait = Long.MAX_VALUE;

	private boolean standing;

	StandingQueue(long targetNanos, long intervalNanos, long now) {
		this.targetNanos = targetNanos;
		this.intervalNanos = intervalNanos;
		this.intervalEnd = now + intervalNanos;
	}

	/**
	 * Records the wait of the oldest waiter (0 when none waits).
	 * @param now the time
	 * @param waitNanos how long the oldest has waited
	 */
	void observe(long now, long waitNanos) {
		if (waitNanos < this.shortestWait) {
			this.shortestWait = waitNanos;
		}
		if (now - this.intervalEnd >= 0) {
			this.standing = this.shortestWait != Long.MAX_VALUE && this.shortestWait > this.targetNanos;
			this.shortestWait = Long.MAX_VALUE;
			this.intervalEnd = now + this.intervalNanos;
		}
	}

	boolean standing() {
		return this.standing;
	}

	/**
	 * Whether the queue both stands and keeps filling faster than it drains: a queue that
	 * stands because its requests are slow, but that drains by itself (a burst in front of
	 * slow requests, a queue being drained for shutdown), is left alone.
	 * @param outpaced whether arrivals lately outpace the drain
	 * @return whether to serve newest first and refuse the oldest
	 */
	boolean backlogged(boolean outpaced) {
		return this.standing && outpaced;
	}

	/**
	 * Whether a waiter of a backlogged queue has waited too long to be worth serving: longer
	 * than twice the target, or than two turnovers of a slot when slots turn over
	 * more slowly than that (a queue in front of 200 ms requests cannot hold its waiters
	 * to 10 ms without leaving slots idle).
	 * @param waitNanos how long it has waited
	 * @param slotTurnoverNanos how long it takes, lately, for some slot to free up
	 * @return whether to refuse it
	 */
	boolean tooOld(long waitNanos, long slotTurnoverNanos) {
		return waitNanos > 2 * Math.max(this.targetNanos, slotTurnoverNanos);
	}

}
