package dev.scalability.tasks.actuate;

import dev.scalability.actuate.ScalabilitySnapshotContributor;
import dev.scalability.tasks.TaskQueueBackend;

/**
 * The task queue's part of {@code /actuator/scalability}: its queues, without the dead
 * letters.
 */
public class TasksSnapshotContributor implements ScalabilitySnapshotContributor {

	private final TaskQueueBackend queue;

	public TasksSnapshotContributor(TaskQueueBackend queue) {
		this.queue = queue;
	}

	@Override
	public String name() {
		return "tasks";
	}

	@Override
	public Object snapshot() {
		return TaskQueueDescription.describe(this.queue, false);
	}

}
