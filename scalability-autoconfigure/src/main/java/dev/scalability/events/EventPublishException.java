package dev.scalability.events;

/**
 * An event could not be stored, so it was not published: the caller decides what to do
 * with it, since the bus never drops one silently.
 */
public class EventPublishException extends RuntimeException {

	public EventPublishException(String message) {
		super(message);
	}

	public EventPublishException(String message, Throwable cause) {
		super(message, cause);
	}

}
