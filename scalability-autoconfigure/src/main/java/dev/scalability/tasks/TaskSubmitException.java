package dev.scalability.tasks;

/**
 * A task that could not be stored; nothing was dropped silently. When
 * {@link #outcomeUnknown()} is {@code false} the task was certainly not stored, and
 * submitting it again is safe; when {@code true} (Redis did not answer in time) it may be
 * stored all the same: submit it again with an idempotency key to run it once either way.
 */
public class TaskSubmitException extends RuntimeException {

	private final boolean outcomeUnknown;

	public TaskSubmitException(String message) {
		this(message, null, false);
	}

	public TaskSubmitException(String message, Throwable cause, boolean outcomeUnknown) {
		super(message, cause);
		this.outcomeUnknown = outcomeUnknown;
	}

	/**
	 * Whether the task may have been stored despite the failure.
	 * @return {@code true} after a timeout or a connection lost once the task was sent
	 */
	public boolean outcomeUnknown() {
		return this.outcomeUnknown;
	}

}
