package dev.scalability.tasks;

import dev.scalability.delivery.HandlingOutcome;

/**
 * Runs the tasks of one type.
 */
@FunctionalInterface
public interface TaskRunner {

	/**
	 * Runs a task.
	 * @param task the task
	 * @return how it went: a failure is tried again while tries are left
	 */
	HandlingOutcome handle(Task task);

}
