package dev.scalability.requestqueue;

/**
 * Hears what the queue does, for metrics. Called on the request's thread, outside the
 * queue's lock: keep it quick.
 */
public interface RequestQueueObserver {

	/**
	 * Observes nothing.
	 */
	RequestQueueObserver NONE = new RequestQueueObserver() {
	};

	/**
	 * A request was admitted.
	 * @param priority its priority
	 * @param waitedNanos how long it waited; 0 when admitted at once
	 */
	default void admitted(Priority priority, long waitedNanos) {
	}

	/**
	 * A request was refused, or ran past its deadline.
	 * @param priority its priority
	 * @param reason why
	 */
	default void refused(Priority priority, RefusalReason reason) {
	}

	/**
	 * An admitted request ended.
	 * @param priority its priority
	 * @param processingNanos how long it ran
	 */
	default void completed(Priority priority, long processingNanos) {
	}

}
