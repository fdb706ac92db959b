package dev.scalability.requestqueue;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The queue's state as the endpoint, the snapshot and health show it: plain maps of
 * strings and numbers.
 */
public final class RequestQueueDescription {

	private RequestQueueDescription() {
	}

	/**
	 * Describes the queue.
	 * @param snapshot its state
	 * @param minConcurrent the adaptive limit's floor
	 * @param maxConcurrent the limit's ceiling
	 * @param heapThreshold the memory-pressure threshold
	 * @return the description
	 */
	public static Map<String, Object> describe(RequestQueueSnapshot snapshot, int minConcurrent, int maxConcurrent,
			double heapThreshold) {
		Map<String, Object> described = new LinkedHashMap<>();
		Map<String, Object> pending = new LinkedHashMap<>();
		snapshot.pending().forEach((priority, count) -> pending.put(priority.value(), count));
		described.put("pending", pending);
		described.put("running", snapshot.running());
		described.put("overrunning", snapshot.overrunning());
		described.put("completed", snapshot.completed());
		Map<String, Object> rejected = new LinkedHashMap<>();
		snapshot.rejected().forEach((reason, count) -> rejected.put(reason.code(), count));
		described.put("rejected", rejected);
		described.put("averageWaitMs", millis(snapshot.averageWait()));
		described.put("averageProcessingMs", millis(snapshot.averageProcessing()));
		described.put("drainPerSecond", Math.round(snapshot.drainPerSecond() * 10) / 10.0);
		Map<String, Object> limit = new LinkedHashMap<>();
		limit.put("current", snapshot.limit());
		limit.put("adaptive", snapshot.adaptive());
		if (snapshot.adaptive()) {
			limit.put("min", minConcurrent);
		}
		limit.put("max", maxConcurrent);
		described.put("limit", limit);
		Map<String, Object> standing = new LinkedHashMap<>();
		snapshot.standing().forEach((priority, isStanding) -> standing.put(priority.value(), isStanding));
		described.put("standingQueue", standing);
		described.put("breaker", Map.of("state", snapshot.breakerState()));
		Map<String, Object> memory = new LinkedHashMap<>();
		memory.put("heapUsedAfterGc", Math.round(snapshot.heapUsedAfterGc() * 1000) / 1000.0);
		memory.put("threshold", heapThreshold);
		memory.put("pressure", snapshot.memoryPressure());
		described.put("memory", memory);
		described.put("shuttingDown", snapshot.shuttingDown());
		return described;
	}

	private static double millis(Duration duration) {
		return Math.round(duration.toNanos() / 10_000.0) / 100.0;
	}

}
