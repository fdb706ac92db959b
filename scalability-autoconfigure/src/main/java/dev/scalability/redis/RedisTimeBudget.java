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

	/**
	 * Each thread's budget, kept from one unit of work to the next so that opening one
	 * allocates nothing.
	 */
	private final ThreadLocal<Slot> slots = ThreadLocal.withInitial(Slot::new);

	private final long totalNanos;

	/**
	 * Creates a budget.
	 * @param total what one unit of work may spend waiting
	 */
	public RedisTimeBudget(Duration total) {
		this.totalNanos = total.toNanos();
	}

	/**
	 * Opens the budget on this thread, or joins it when it is open already.
	 * @return the scope to close when the unit of work ends
	 */
	public Scope open() {
		Slot slot = this.slots.get();
		if (slot.open) {
			return JOINED;
		}
		slot.open = true;
		slot.leftNanos = this.totalNanos;
		return slot;
	}

	public Duration total() {
		return Duration.ofNanos(this.totalNanos);
	}

	/**
	 * What is left of the budget on this thread.
	 * @return nanoseconds, or {@link Long#MAX_VALUE} when it is not open
	 */
	long remainingNanos() {
		Slot slot = this.slots.get();
		return slot.open ? slot.leftNanos : Long.MAX_VALUE;
	}

	void spend(long nanos) {
		Slot slot = this.slots.get();
		if (slot.open) {
			slot.leftNanos -= nanos;
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

	/**
	 * One thread's budget: only that thread reads or writes it.
	 */
	private static final class Slot implements Scope {

		private boolean open;

		private long leftNanos;

		@Override
		public void close() {
			this.open = false;
		}

	}

}
