package dev.scalability.requestqueue;

/**
 * Refuses requests at once while too many recent responses were server errors, so that a
 * service whose database is gone answers 503 in a millisecond instead of tying up every
 * slot on requests bound to fail.
 */
public interface ServerErrorBreaker {

	/**
	 * A breaker that never opens.
	 */
	ServerErrorBreaker NONE = new ServerErrorBreaker() {

		@Override
		public boolean tryAcquire() {
			return true;
		}

		@Override
		public void release() {
		}

		@Override
		public void record(long durationNanos, boolean serverError) {
		}

		@Override
		public String state() {
			return "DISABLED";
		}

		@Override
		public long retryAfterSeconds() {
			return 1;
		}

	};

	/**
	 * Asks to let a request through.
	 * @return {@code false} while the breaker is open
	 */
	boolean tryAcquire();

	/**
	 * Gives back what {@link #tryAcquire()} granted to a request that did not run.
	 */
	void release();

	/**
	 * Records how a request that was let through ended.
	 * @param durationNanos how long it ran
	 * @param serverError whether it ended in a 5xx (a deadline passed counts as one)
	 */
	void record(long durationNanos, boolean serverError);

	/**
	 * The state, as Resilience4j names it.
	 * @return such as {@code CLOSED}
	 */
	String state();

	/**
	 * When a refused client should try again.
	 * @return seconds until the breaker lets requests through again, at least 1
	 */
	long retryAfterSeconds();

}
