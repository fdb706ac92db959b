package dev.scalability.redis;

import java.time.Duration;

/**
 * The time one unit of work (a web request) may spend waiting for Redis, in all: every
 * guarded call made on this thread while a budget is open waits no longer than what is
 * left of it, however many calls there are. Opening a budget where one is already open
 * joins it, so a request that meets several rules and rate-limited methods still waits at
 * most one timeout.
 */
public final class RedisTimeBudget {

	private static final ThreadLocal<RedisTimeBudget> CURRENT = new ThreadLocal<>();

	private static final Scope JOINED = () -> {
	};

	private long remainingNanos;

	private RedisTimeBudget(long remainingNanos) {
		this.remainingNanos = remainingNanos;
	}

	/**
	 * Opens a budget on this thread, or joins the one already open.
	 * @param total the budget
	 * @return the scope to close when the unit of work ends
	 */
	public static Scope open(Duration total) {
		if (CURRENT.get() != null) {
			return JOINED;
		}
		CURRENT.set(new RedisTimeBudget(total.toNanos()));
		return CURRENT::remove;
	}

	/**
	 * What is left of the open budget.
	 * @return nanoseconds, or {@link Long#MAX_VALUE} when no budget is open
	 */
	static long remainingNanos() {
		RedisTimeBudget budget = CURRENT.get();
		return (budget != null) ? budget.remainingNanos : Long.MAX_VALUE;
	}

	static void spend(long nanos) {
		RedisTimeBudget budget = CURRENT.get();
		if (budget != null) {
			budget.remainingNanos -= nanos;
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
