package dev.scalability.requestqueue;

import java.time.Duration;
import java.util.Map;

/**
 * The queue at one moment.
 *
 * @param pending requests waiting, by priority
 * @param running requests running within their deadline
 * @param overrunning requests still running past their deadline, whose slots were given
 * back
 * @param limit how many may run at once now
 * @param adaptive whether the limit adapts
 * @param completed requests that ended, since start
 * @param rejected refusals since start, by reason
 * @param averageWait how long admitted requests waited, lately
 * @param averageProcessing how long requests ran, lately
 * @param drainPerSecond how many requests leave their slots per second, lately
 * @param standing per priority, whether its queue is standing (oldest served last)
 * @param breakerState the server-error breaker's state
 * @param heapUsedAfterGc the share of the heap used after the last collection
 * @param memoryPressure whether it is above the threshold
 * @param shuttingDown whether new requests are refused for shutdown
 */
public record RequestQueueSnapshot(Map<Priority, Integer> pending, int running, int overrunning, int limit,
		boolean adaptive, long completed, Map<RefusalReason, Long> rejected, Duration averageWait,
		Duration averageProcessing, double drainPerSecond, Map<Priority, Boolean> standing, String breakerState,
		double heapUsedAfterGc, boolean memoryPressure, boolean shuttingDown) {

	/**
	 * Requests waiting, whatever their priority.
	 * @return the count
	 */
	public int pendingTotal() {
		return this.pending.values().stream().mapToInt(Integer::intValue).sum();
	}

}
