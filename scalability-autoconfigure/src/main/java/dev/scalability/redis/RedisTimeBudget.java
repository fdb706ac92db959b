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

	private final ThreadLocal<long[]> remaining = new ThreadLocal<>();

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
		if (this.remaining.get() != null) {
			return JOINED;
		}
		this.remaining.set(new long[] { this.totalNanos });
		return this.remaining::remove;
	}

	public Duration total() {
		return Duration.ofNanos(this.totalNanos);
	}

	/**
	 * What is left of the budget on this thread.
	 * @return nanoseconds, or {@link Long#MAX_VALUE} when it is not open
	 */
	long remainingNanos() {
		long[] left = this.remaining.get();
		return (left != null) ? left[0] : Long.MAX_VALUE;
	}

	void spend(long nanos) {
		long[] left = this.remaining.get();
		if (left != null) {
			left[0] -= nanos;
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
