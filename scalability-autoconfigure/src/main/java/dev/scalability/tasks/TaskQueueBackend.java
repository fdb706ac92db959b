package dev.scalability.tasks;

import java.time.Duration;
import java.util.List;

import dev.scalability.backend.BackendStatus;

/**
 * A task queue as its adapters see it: handlers added, started and stopped, watched and
 * its dead letters redriven.
 */
public interface TaskQueueBackend extends TaskQueue, BackendStatus {

	/**
	 * Adds the handler of a type. Tasks of the type submitted before are run once the
	 * queue runs.
	 * @param registration the handler
	 * @throws IllegalStateException when the type has a handler already on this instance
	 */
	void register(TaskRegistration registration);

	/**
	 * Starts running tasks; again after a stop.
	 */
	void start();

	/**
	 * Stops taking tasks and waits for those that run to finish. Submitting still works.
	 * @param timeout the longest wait; then the handlers still running are interrupted
	 * @return whether every handler finished in time
	 */
	boolean stop(Duration timeout);

	/**
	 * Whether tasks are run.
	 * @return whether the queue runs
	 */
	boolean isRunning();

	/**
	 * Every queue known here: those with handlers, and those tasks were submitted to.
	 * @return the queues, by name
	 */
	List<QueueSnapshot> queues();

	/**
	 * The dead letters of every queue, oldest first.
	 * @return the dead letters
	 */
	List<TaskDeadLetter> deadLetters();

	/**
	 * Puts a dead letter back in its queue, with its tries counted from zero again.
	 * @param id the task's id
	 * @return whether it was a dead letter
	 */
	boolean redrive(String id);

	/**
	 * Puts every dead letter back.
	 * @return how many went back
	 */
	int redriveAll();

}
