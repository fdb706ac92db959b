package dev.scalability.delivery;

/**
 * What came of one call of a handler: its result, or its failure.
 *
 * @param result what the handler returned; {@code null} for void methods and failures
 * @param failure what it threw, or {@code null} when it succeeded
 * @param retryable whether another try may succeed: not when the payload cannot even be
 * read as the handler's parameter
 */
public record HandlingOutcome(Object result, Throwable failure, boolean retryable) {

	public static HandlingOutcome success(Object result) {
		return new HandlingOutcome(result, null, false);
	}

	public static HandlingOutcome failure(Throwable failure) {
		return new HandlingOutcome(null, failure, true);
	}

	/**
	 * A failure no retry can mend, such as a payload the handler cannot read.
	 * @param failure the cause
	 * @return the outcome
	 */
	public static HandlingOutcome permanentFailure(Throwable failure) {
		return new HandlingOutcome(null, failure, false);
	}

	public boolean succeeded() {
		return this.failure == null;
	}

}
