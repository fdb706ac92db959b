package dev.scalability.tasks.autoconfigure;

import java.time.Duration;

import dev.scalability.tasks.TaskQueueBackend;

import org.springframework.context.SmartLifecycle;

/**
 * Starts running tasks once every bean exists, and stops when the application shuts down,
 * after the web server has stopped, so that requests still running can submit: no new task
 * is taken, and those that run finish within
 * {@code spring.lifecycle.timeout-per-shutdown-phase}.
 */
class TaskQueueLifecycle implements SmartLifecycle {

	/**
	 * After the web server's graceful shutdown and its stop; on start-up, before it takes
	 * traffic.
	 */
	static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

	private final TaskQueueBackend queue;

	private final Duration timeout;

	TaskQueueLifecycle(TaskQueueBackend queue, Duration timeout) {
		this.queue = queue;
		this.timeout = timeout;
	}

	@Override
	public void start() {
		this.queue.start();
	}

	@Override
	public void stop() {
		this.queue.stop(this.timeout);
	}

	@Override
	public boolean isRunning() {
		return this.queue.isRunning();
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

}
