package dev.scalability.requestqueue;

import java.time.Duration;

/**
 * How the queue behaves.
 *
 * @param maxQueue the most requests waiting at once; 0 to refuse whenever every slot is
 * taken
 * @param maxWait the longest a request waits
 * @param requestTimeout the deadline of a request with none of its own, from its arrival
 * @param standingQueueTarget the wait a standing queue keeps above (CoDel's target); waiters
 * of twice this age are refused while it stands
 * @param standingQueueInterval how long the wait must stay above the target (CoDel's
 * interval)
 * @param heapThreshold the share of the heap used after collection above which low
 * priority is refused and medium not queued; 1 or more never
 */
public record RequestQueueSettings(int maxQueue, Duration maxWait, Duration requestTimeout,
		Duration standingQueueTarget, Duration standingQueueInterval, double heapThreshold) {

	public RequestQueueSettings {
		if (maxQueue < 0) {
			throw new IllegalArgumentException("maxQueue must not be negative");
		}
		requirePositive(maxWait, "maxWait");
		requirePositive(requestTimeout, "requestTimeout");
		requirePositive(standingQueueTarget, "standingQueueTarget");
		requirePositive(standingQueueInterval, "standingQueueInterval");
		if (!(heapThreshold > 0)) {
			throw new IllegalArgumentException("heapThreshold must be above 0");
		}
	}

	/**
	 * The defaults of {@code scalability.request-queue.*}.
	 * @return the settings
	 */
	public static RequestQueueSettings defaults() {
		return new RequestQueueSettings(1000, Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofMillis(5),
				Duration.ofMillis(100), 0.85);
	}

	private static void requirePositive(Duration duration, String name) {
		if (duration == null || duration.isNegative() || duration.isZero()) {
			throw new IllegalArgumentException(name + " must be positive");
		}
	}

}
