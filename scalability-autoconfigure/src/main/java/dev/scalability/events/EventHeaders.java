package dev.scalability.events;

/**
 * Names of the headers the bus itself sets.
 */
public final class EventHeaders {

	/**
	 * The instance that waits for the answer of a request.
	 */
	public static final String REPLY_TO = "reply-to";

	/**
	 * Ties an answer to its request.
	 */
	public static final String CORRELATION_ID = "correlation-id";

	private EventHeaders() {
	}

}
