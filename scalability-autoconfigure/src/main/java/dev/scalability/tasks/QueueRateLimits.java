package dev.scalability.tasks;

/**
 * How many tasks a queue may start, per queue and across every instance: permits taken
 * before tasks are fetched, one per task, and given back for those the fetch did not
 * find. The auto-configuration takes them from the rate limiter.
 */
public interface QueueRateLimits {

	/**
	 * No queue is limited.
	 */
	QueueRateLimits NONE = new QueueRateLimits() {

		@Override
		public boolean limits(String queue) {
			return false;
		}

		@Override
		public Grant take(String queue, int wanted) {
			return new Grant(Math.max(wanted, 0), 0, null);
		}

		@Override
		public void giveBack(String queue, Grant grant, int unused) {
		}

	};

	/**
	 * Whether a queue is limited.
	 * @param queue the queue
	 * @return whether it has a limit
	 */
	boolean limits(String queue);

	/**
	 * Takes up to {@code wanted} permits to start tasks of a queue: all when available,
	 * else as many as remain, else none and when to ask again.
	 * @param queue the queue
	 * @param wanted how many tasks the queue could start now
	 * @return the permits granted
	 */
	Grant take(String queue, int wanted);

	/**
	 * Gives back the permits of tasks that were not started after all.
	 * @param queue the queue
	 * @param grant the permits taken
	 * @param unused how many of them went unused
	 */
	void giveBack(String queue, Grant grant, int unused);

	/**
	 * Permits to start tasks.
	 *
	 * @param permits how many tasks may start
	 * @param retryAfterNanos when none may, how long until one may
	 * @param grantedBy who granted them, to give unused ones back to; {@code null} when
	 * nobody counts
	 */
	record Grant(int permits, long retryAfterNanos, Object grantedBy) {

	}

}
