package dev.scalability.redis;

import java.time.Duration;

/**
 * The time one unit of work (a web request) may spend waiting for one feature's Redis
 * calls, in all: every call of the {@link GuardedRedis} that owns this budget, made on this
 * thread while the budget is open, waits no longer than what is left of it, however many
 * calls there are. Opening a budget where it is already open joins it, so a request that
 * meets several rules and rate-limited methods still waits at most one timeout. Each
 * feature owns its own budget: what one feature spent never shortens another's calls.
 */
public final class RedisTimeBudget {

	private static final Scope JOINED = () -> {
	};

	private static final int OPEN = 0;

	private static final int LEFT = 1;

	/**
	 * Each thread's budget, {@code {open, nanoseconds left}}, kept from one unit of work to
	 * the next so that opening one allocates nothing; an array of the JDK's, so that a thread
	 * that outlives the application holds none of its classes.
	 */
	private final ThreadLocal<long[]> slots = new ThreadLocal<>();

	private final long totalNanos;

	/**
	 * Closes the budget of the thread that calls it: a scope is closed on the thread that
	 * opened it.
	 */
	private final Scope close = () -> {
		long[] slot = this.slots.get();
		if (slot != null) {
			slot[OPEN] = 0;
		}
	};

	/**
	 * Creates a budget.
	 * @param total what one unit of work may spend waiting
	 */
	public RedisTimeBudget(Duration total) {
		this.totalNanos = total.toNanos();
	}

	/**
	 * Opens the budget on this thread, or joins it when it is open already.
	 * @return the scope to close, on this thread, when the unit of work ends
	 */
	public Scope open() {
		long[] slot = this.slots.get();
		if (slot == null) {
			slot = new long[2];
			this.slots.set(slot);
		}
		else if (slot[OPEN] != 0) {
			return JOINED;
		}
		slot[OPEN] = 1;
		slot[LEFT] = this.totalNanos;
		return this.close;
	}

	public Duration total() {
		return Duration.ofNanos(this.totalNanos);
	}

	/**
	 * What is left of the budget on this thread.
	 * @return nanoseconds, or {@link Long#MAX_VALUE} when it is not open
	 */
	long remainingNanos() {
		long[] slot = this.slots.get();
		return (slot != null && slot[OPEN] != 0) ? slot[LEFT] : Long.MAX_VALUE;
	}

	void spend(long nanos) {
		long[] slot = this.slots.get();
		if (slot != null && slot[OPEN] != 0) {
			slot[LEFT] -= nanos;
		}
	}

	/**
	 * An open budget, closed when the unit of work ends.
	 */
	@FunctionalInterface
	public interface Scope extends AutoCloseable {

		@Override
		void close();

	}

}
