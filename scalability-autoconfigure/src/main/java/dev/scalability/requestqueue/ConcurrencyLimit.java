package dev.scalability.requestqueue;

/**
 * How many requests may run at once: fixed, or adapted from measured latency
 * ({@link AdaptiveConcurrencyLimit}).
 */
public interface ConcurrencyLimit {

	/**
	 * The limit now.
	 * @return at least 1
	 */
	int current();

	/**
	 * Hears how a request went, so that an adaptive limit can move.
	 * @param startNanos when it started running
	 * @param rttNanos how long it ran
	 * @param inflight how many ran when it started
	 * @param dropped whether it was given up on (ran past its deadline)
	 */
	void onSample(long startNanos, long rttNanos, int inflight, boolean dropped);

	/**
	 * Whether the limit moves by itself.
	 * @return {@code true} when adaptive
	 */
	boolean adaptive();

	/**
	 * A limit that never moves.
	 * @param limit the limit
	 * @return the limit
	 */
	static ConcurrencyLimit fixed(int limit) {
		if (limit < 1) {
			throw new IllegalArgumentException("a concurrency limit must be at least 1, not " + limit);
		}
		return new ConcurrencyLimit() {

			@Override
			public int current() {
				return limit;
			}

			@Override
			public void onSample(long startNanos, long rttNanos, int inflight, boolean dropped) {
			}

			@Override
			public boolean adaptive() {
				return false;
			}

			@Override
			public String toString() {
				return "fixed(" + limit + ")";
			}

		};
	}

}
