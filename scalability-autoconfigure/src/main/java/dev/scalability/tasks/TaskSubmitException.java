package dev.scalability.tasks;

/**
 * A task that could not be stored: it will not run, and nothing was dropped silently.
 */
public class TaskSubmitException extends RuntimeException {

	public TaskSubmitException(String message) {
		super(message);
	}

	public TaskSubmitException(String message, Throwable cause) {
		super(message, cause);
	}

}
