package dev.scalability.tasks;

/**
 * A queue as it is now.
 *
 * @param queue its name
 * @param waiting tasks ready to run
 * @param running tasks run now
 * @param delayed tasks waiting for their delay or the backoff before a retry
 * @param dead dead letters
 */
public record QueueSnapshot(String queue, long waiting, long running, long delayed, long dead) {

	/**
	 * The tasks not finished yet.
	 * @return waiting, running and delayed tasks
	 */
	public long pending() {
		return this.waiting + this.running + this.delayed;
	}

}
