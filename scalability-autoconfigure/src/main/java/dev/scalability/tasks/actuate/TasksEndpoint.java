package dev.scalability.tasks.actuate;

import java.util.Map;

import dev.scalability.tasks.TaskQueueBackend;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * {@code /actuator/tasks}: the queues and their dead letters; a POST with
 * {@code {"redrive": "<id>"}} or {@code {"redrive": "all"}} puts dead letters back.
 */
@Endpoint(id = "tasks")
public class TasksEndpoint {

	static final String ALL = "all";

	private final TaskQueueBackend queue;

	public TasksEndpoint(TaskQueueBackend queue) {
		this.queue = queue;
	}

	@ReadOperation
	public Map<String, Object> tasks() {
		return TaskQueueDescription.describe(this.queue, true);
	}

	@WriteOperation
	public Map<String, Object> redrive(String redrive) {
		if (redrive.isBlank()) {
			throw new InvalidEndpointRequestException("'redrive' is blank",
					"'redrive' must be the id of a dead letter, or 'all'");
		}
		int redriven = ALL.equals(redrive) ? this.queue.redriveAll() : (this.queue.redrive(redrive) ? 1 : 0);
		return Map.of("redriven", redriven);
	}

}
