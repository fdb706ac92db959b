package dev.scalability.tasks;

import java.util.Map;

import dev.scalability.permits.PermitGrant;
import dev.scalability.permits.PermitLimit;
import dev.scalability.permits.RatePermits;

/**
 * How many tasks a queue may start, per queue and across every instance when the permits
 * are shared: permits taken before tasks are fetched, one per task, and given back for
 * those the fetch did not find.
 */
public final class QueueRateLimits {

	/**
	 * No queue is limited.
	 */
	public static final QueueRateLimits NONE = new QueueRateLimits(null, Map.of());

	private final RatePermits permits;

	private final Map<String, PermitLimit> limits;

	/**
	 * Creates the limits.
	 * @param permits counts the permits
	 * @param limits the limit of each limited queue, by queue
	 */
	public QueueRateLimits(RatePermits permits, Map<String, PermitLimit> limits) {
		if (permits == null && !limits.isEmpty()) {
			throw new IllegalArgumentException("limited queues need permits");
		}
		this.permits = permits;
		this.limits = Map.copyOf(limits);
	}

	/**
	 * Whether a queue is limited.
	 * @param queue the queue
	 * @return whether it has a limit
	 */
	public boolean limits(String queue) {
		return this.limits.containsKey(queue);
	}

	/**
	 * Takes up to {@code wanted} permits to start tasks of a queue.
	 * @param queue the queue
	 * @param wanted how many tasks the queue could start now
	 * @return the permits granted
	 */
	public PermitGrant take(String queue, int wanted) {
		PermitLimit limit = this.limits.get(queue);
		return (limit != null) ? this.permits.take(limit, queue, wanted) : PermitGrant.unlimited(wanted);
	}

	/**
	 * Gives back the permits of tasks that were not started after all.
	 * @param queue the queue
	 * @param grant the permits taken
	 * @param unused how many of them went unused
	 */
	public void giveBack(String queue, PermitGrant grant, int unused) {
		PermitLimit limit = this.limits.get(queue);
		if (limit != null) {
			this.permits.giveBack(limit, queue, grant, unused);
		}
	}

}
