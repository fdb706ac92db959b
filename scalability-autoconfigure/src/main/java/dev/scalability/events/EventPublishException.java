package dev.scalability.events;

/**
 * An event could not be published, as far as the caller can tell: the caller decides
 * what to do with it, since the bus never drops one silently. Whether it is certainly not
 * stored depends on {@link #outcomeUnknown()}: a call to Redis that timed out after it was
 * sent may still be carried out, so publishing again may store the event twice.
 */
public class EventPublishException extends RuntimeException {

	private final boolean outcomeUnknown;

	/**
	 * An event that was certainly not stored.
	 * @param message what happened
	 */
	public EventPublishException(String message) {
		this(message, null, false);
	}

	/**
	 * An event that was certainly not stored.
	 * @param message what happened
	 * @param cause why
	 */
	public EventPublishException(String message, Throwable cause) {
		this(message, cause, false);
	}

	/**
	 * An event that was not stored, or maybe was.
	 * @param message what happened
	 * @param cause why
	 * @param outcomeUnknown whether the event may have been stored all the same
	 */
	public EventPublishException(String message, Throwable cause, boolean outcomeUnknown) {
		super(message, cause);
		this.outcomeUnknown = outcomeUnknown;
	}

	/**
	 * Whether the event may have been stored all the same, under an id nobody was told:
	 * the write reached Redis, or may have, and its answer did not come back (a timeout, a
	 * connection that broke). Publishing it again may store it twice, under two ids; when
	 * {@code false} it was certainly not stored (the circuit breaker open, Redis refusing
	 * the write, a bound of the memory backend), and publishing again is safe.
	 * @return whether the outcome is unknown
	 */
	public boolean outcomeUnknown() {
		return this.outcomeUnknown;
	}

}
