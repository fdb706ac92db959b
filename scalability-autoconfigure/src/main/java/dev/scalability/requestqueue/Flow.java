package dev.scalability.requestqueue;

import java.util.concurrent.atomic.LongAdder;

/**
 * How fast requests leave the queue's slots, how fast they have to wait, and how long they
 * wait and run, over the last second or so: {@code Retry-After}, the standing-queue
 * decisions and the endpoint's averages come from here, not from constants.
 */
final class Flow {

	private static final long WINDOW_NANOS = 250_000_000L;

	private static final double WEIGHT = 0.5;

	private final LongAdder ended = new LongAdder();

	private final LongAdder admitted = new LongAdder();

	private final LongAdder waitNanos = new LongAdder();

	private final LongAdder completed = new LongAdder();

	private final LongAdder processingNanos = new LongAdder();

	private final LongAdder[] enqueued = new LongAdder[Priority.values().length];

	private final long[] enqueuedBefore = new long[Priority.values().length];

	private final double[] enqueuedPerSecond = new double[Priority.values().length];

	// The window, guarded by the queue's lock.
	private long windowStart;

	private long endedBefore;

	private long admittedBefore;

	private long waitBefore;

	private long completedBefore;

	private long processingBefore;

	private volatile double drainPerSecond;

	private volatile double averageWaitNanos;

	private volatile double averageProcessingNanos;

	Flow(long now) {
		this.windowStart = now;
		for (int i = 0; i < this.enqueued.length; i++) {
			this.enqueued[i] = new LongAdder();
		}
	}

	/**
	 * Counts a request that found no free slot, whether it then waits or is refused: what
	 * arrives beyond what the slots take.
	 * @param priority its priority
	 * @return {@code true}, to chain in a condition
	 */
	boolean foundNoSlot(Priority priority) {
		this.enqueued[priority.ordinal()].increment();
		return true;
	}

	void admitted(long waited) {
		this.admitted.increment();
		this.waitNanos.add(waited);
	}

	void completed(long processing) {
		this.completed.increment();
		this.processingNanos.add(processing);
		this.ended.increment();
	}

	void abandoned() {
		this.ended.increment();
	}

	/**
	 * Closes the window when it is due. Called under the queue's lock.
	 * @param now the time
	 */
	void update(long now) {
		long elapsed = now - this.windowStart;
		if (elapsed < WINDOW_NANOS) {
			return;
		}
		long ended = this.ended.sum();
		long admitted = this.admitted.sum();
		long waited = this.waitNanos.sum();
		long completed = this.completed.sum();
		long processing = this.processingNanos.sum();
		double rate = (ended - this.endedBefore) * 1e9 / elapsed;
		this.drainPerSecond = this.drainPerSecond * (1 - WEIGHT) + rate * WEIGHT;
		if (admitted > this.admittedBefore) {
			double average = (double) (waited - this.waitBefore) / (admitted - this.admittedBefore);
			this.averageWaitNanos = this.averageWaitNanos * (1 - WEIGHT) + average * WEIGHT;
		}
		if (completed > this.completedBefore) {
			double average = (double) (processing - this.processingBefore) / (completed - this.completedBefore);
			this.averageProcessingNanos = this.averageProcessingNanos * (1 - WEIGHT) + average * WEIGHT;
		}
		for (int i = 0; i < this.enqueued.length; i++) {
			long count = this.enqueued[i].sum();
			double arrivals = (count - this.enqueuedBefore[i]) * 1e9 / elapsed;
			this.enqueuedPerSecond[i] = this.enqueuedPerSecond[i] * (1 - WEIGHT) + arrivals * WEIGHT;
			this.enqueuedBefore[i] = count;
		}
		this.windowStart = now;
		this.endedBefore = ended;
		this.admittedBefore = admitted;
		this.waitBefore = waited;
		this.completedBefore = completed;
		this.processingBefore = processing;
	}

	/**
	 * Whether requests of a priority or higher have lately found no free slot faster than
	 * slots free up: then their queue grows, and will not drain by itself. Guarded by the queue's
	 * lock.
	 * @param priority the priority
	 * @return whether they outpace the drain
	 */
	boolean outpaced(Priority priority) {
		double arrivals = 0;
		for (int i = 0; i <= priority.ordinal(); i++) {
			arrivals += this.enqueuedPerSecond[i];
		}
		return arrivals > this.drainPerSecond;
	}

	double drainPerSecond() {
		return this.drainPerSecond;
	}

	double averageWaitNanos() {
		return this.averageWaitNanos;
	}

	double averageProcessingNanos() {
		return this.averageProcessingNanos;
	}

	long completedTotal() {
		return this.completed.sum();
	}

}
