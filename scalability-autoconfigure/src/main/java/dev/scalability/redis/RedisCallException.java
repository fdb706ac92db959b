package dev.scalability.redis;

/**
 * A call to Redis that gave no answer to use. The feature that made it applies what it
 * documents for this case (a fallback, an error); {@link #reason()} says why.
 */
public class RedisCallException extends RuntimeException {

	/**
	 * Why a call gave no answer.
	 */
	public enum Reason {

		/**
		 * The circuit breaker is open: Redis failed recently and was not asked.
		 */
		CIRCUIT_OPEN,

		/**
		 * The request this call belongs to already waited its whole Redis time budget.
		 */
		BUDGET_SPENT,

		/**
		 * Redis did not answer in time.
		 */
		TIMEOUT,

		/**
		 * No connection, or it broke, or the server said it cannot serve now (failover,
		 * loading, a long script).
		 */
		UNAVAILABLE,

		/**
		 * Redis is out of memory and refuses writes ({@code maxmemory} with
		 * {@code noeviction}).
		 */
		OUT_OF_MEMORY,

		/**
		 * Redis answered with another error.
		 */
		ERROR_REPLY

	}

	private final Reason reason;

	public RedisCallException(Reason reason, String message, Throwable cause) {
		super(message, cause);
		this.reason = reason;
	}

	public Reason reason() {
		return this.reason;
	}

	/**
	 * Whether the write this call sent may have reached Redis and be carried out: a command
	 * that timed out or lost its connection after it was sent still runs once Redis gets to
	 * it. Not when it was never sent (the breaker open, no connection to be had, no place
	 * free) or Redis answered that it did not carry it out.
	 * @return whether the outcome is unknown
	 */
	public boolean mayHaveBeenCarriedOut() {
		return switch (this.reason) {
			case TIMEOUT -> true;
			case UNAVAILABLE -> !hasCause(io.lettuce.core.RedisConnectionException.class)
					&& !hasCause(io.lettuce.core.RedisCommandExecutionException.class);
			case CIRCUIT_OPEN, BUDGET_SPENT, OUT_OF_MEMORY, ERROR_REPLY -> false;
		};
	}

	private boolean hasCause(Class<? extends Throwable> type) {
		for (Throwable cause = this; cause != null; cause = cause.getCause()) {
			if (type.isInstance(cause)) {
				return true;
			}
		}
		return false;
	}

}
