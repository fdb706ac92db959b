package dev.scalability.tasks;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Runs work later, at least once, on the handler of its type: by priority within its
 * queue, after its delay, tried again with backoff when it fails, and kept as a dead letter
 * after its last try.
 */
public interface TaskQueue {

	/**
	 * Submits a task with the default options. It returns once the task is stored.
	 * @param type the task's type, which names its handler, such as {@code send-email}
	 * @param payload the task's payload, written as JSON
	 * @return the task's id
	 * @throws TaskSubmitException when the task cannot be stored
	 * @throws IllegalArgumentException when the payload cannot be written as JSON
	 */
	default String submit(String type, Object payload) {
		return submit(type, payload, TaskOptions.defaults());
	}

	/**
	 * Submits a task. It returns once the task is stored. With an idempotency key already
	 * used by a task whose record is still kept, it returns that task's id and submits
	 * nothing.
	 * @param type the task's type
	 * @param payload the task's payload, written as JSON
	 * @param options its priority, delay, idempotency key, tries and queue
	 * @return the task's id
	 * @throws TaskSubmitException when the task cannot be stored
	 * @throws IllegalArgumentException when the payload cannot be written as JSON
	 */
	String submit(String type, Object payload, TaskOptions options);

	/**
	 * Submits a task without waiting for it to be stored. Tasks submitted this way, from
	 * one thread or many, travel to Redis back to back (pipelining) rather than one round
	 * trip each; the future tells when each is stored, so callers who need that guarantee
	 * wait for it, and those who submit many wait once for all. Callbacks chained without
	 * an executor never run on the Redis client's I/O thread.
	 * @param type the task's type
	 * @param payload the task's payload, written as JSON
	 * @param options its priority, delay, idempotency key, tries and queue
	 * @return the task's id once it is stored; completed exceptionally with a
	 * {@link TaskSubmitException} when it cannot be stored
	 * @throws IllegalArgumentException when the payload cannot be written as JSON
	 */
	default CompletableFuture<String> submitAsync(String type, Object payload, TaskOptions options) {
		try {
			return CompletableFuture.completedFuture(submit(type, payload, options));
		}
		catch (TaskSubmitException ex) {
			return CompletableFuture.failedFuture(ex);
		}
	}

	/**
	 * A task as it is now.
	 * @param id the task's id
	 * @return its status; empty for an unknown task, or one whose record has expired
	 */
	Optional<TaskStatus> status(String id);

}
