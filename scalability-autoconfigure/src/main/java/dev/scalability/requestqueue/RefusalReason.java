package dev.scalability.requestqueue;

import java.util.Locale;

/**
 * Why the queue answered a request with 503 instead of serving it, as the {@code reason}
 * member of the problem and the {@code reason} tag of the metrics.
 */
public enum RefusalReason {

	/**
	 * The queue held {@code max-queue} requests of the same or a higher priority.
	 */
	QUEUE_FULL,

	/**
	 * The request waited as long as it may ({@code max-wait}, its deadline, or the short
	 * bound of a standing queue) without a slot freeing up.
	 */
	WAIT_TIMEOUT,

	/**
	 * Heap used after the last collection is above {@code heap-threshold}: low priority is
	 * refused, medium is not queued.
	 */
	MEMORY_PRESSURE,

	/**
	 * The server-error breaker is open: too many recent responses were 5xx.
	 */
	CIRCUIT_OPEN,

	/**
	 * The application is shutting down and takes no new requests.
	 */
	SHUTTING_DOWN,

	/**
	 * The request ran past its deadline ({@code request-timeout} or its route's
	 * {@code timeout}); its slot was given back.
	 */
	REQUEST_TIMEOUT;

	/**
	 * The reason as clients and dashboards see it.
	 * @return such as {@code queue-full}
	 */
	public String code() {
		return name().toLowerCase(Locale.ROOT).replace('_', '-');
	}

}
