package dev.scalability.tasks;

/**
 * The handler of one type of task, in its queue.
 *
 * @param type the type
 * @param queue the queue whose threads run it
 * @param runner runs the tasks
 * @param description what the handler is, for messages (a bean's method)
 */
public record TaskRegistration(String type, String queue, TaskRunner runner, String description) {

	public TaskRegistration {
		if (type == null || type.isBlank()) {
			throw new IllegalArgumentException("the type must not be blank");
		}
		if (queue == null || queue.isBlank()) {
			throw new IllegalArgumentException("the queue must not be blank");
		}
		if (runner == null) {
			throw new IllegalArgumentException("the runner must not be null");
		}
	}

}
