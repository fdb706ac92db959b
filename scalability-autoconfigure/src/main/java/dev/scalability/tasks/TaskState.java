package dev.scalability.tasks;

/**
 * Where a task is in its life.
 */
public enum TaskState {

	/**
	 * Ready to run, waiting for a handler thread of its queue.
	 */
	WAITING,

	/**
	 * Waiting for its delay to pass: its first one, or the backoff before a retry.
	 */
	DELAYED,

	/**
	 * Run by a handler now.
	 */
	RUNNING,

	/**
	 * Run to the end; kept for its status until the retention of completed tasks passes.
	 */
	SUCCEEDED,

	/**
	 * Failed its last try: a dead letter, until redriven.
	 */
	DEAD

}
