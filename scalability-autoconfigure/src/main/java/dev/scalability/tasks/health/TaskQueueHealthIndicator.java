package dev.scalability.tasks.health;

import dev.scalability.actuate.BackendHealth;
import dev.scalability.redis.RedisConnectionProbe;
import dev.scalability.tasks.QueueSnapshot;
import dev.scalability.tasks.TaskQueueBackend;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Health {@code taskQueue}: up with the tasks not finished and the dead letters, degraded
 * while its Redis cannot be reached, out of service once the queue has stopped.
 */
public class TaskQueueHealthIndicator extends AbstractHealthIndicator {

	private final TaskQueueBackend queue;

	private final RedisConnectionProbe probe;

	/**
	 * Creates an indicator.
	 * @param queue the task queue
	 * @param probe checks Redis; {@code null} when the application has no Redis
	 */
	public TaskQueueHealthIndicator(TaskQueueBackend queue, RedisConnectionProbe probe) {
		super("Task queue health check failed");
		this.queue = queue;
		this.probe = probe;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		BackendHealth.report(builder, this.queue, this.probe);
		long pending = 0;
		long dead = 0;
		try {
			for (QueueSnapshot snapshot : this.queue.queues()) {
				pending += snapshot.pending();
				dead += snapshot.dead();
			}
			builder.withDetail("pending", pending).withDetail("deadLetters", dead);
		}
		catch (RuntimeException ex) {
			// Degraded, not down: every instance shares the one Redis, and none would serve
			// better out of rotation.
			builder.up().withDetail("degraded", true).withDetail("error", String.valueOf(ex.getMessage()));
		}
		if (!this.queue.isRunning()) {
			builder.outOfService().withDetail("stopped", true);
		}
	}

}
