package dev.scalability.events;

/**
 * The listener that was to answer a request gave up on it: its tries are spent, or it
 * could not read the event. The message is the listener's last error.
 */
public class EventHandlingException extends RuntimeException {

	public EventHandlingException(String message) {
		super(message);
	}

}
