package dev.scalability.requestqueue;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Calls {@link RequestQueue#sweep()} on a daemon thread of its own, every few
 * milliseconds, until closed.
 */
public final class RequestQueueSweeper implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(RequestQueueSweeper.class);

	private final ScheduledExecutorService executor;

	private RequestQueueSweeper(ScheduledExecutorService executor) {
		this.executor = executor;
	}

	/**
	 * Starts sweeping a queue.
	 * @param queue the queue
	 * @param period how often; its deadlines and waits are enforced this precisely
	 * @return the sweeper, to close when the queue is no longer used
	 */
	public static RequestQueueSweeper start(RequestQueue queue, Duration period) {
		ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "request-queue-sweeper");
			thread.setDaemon(true);
			return thread;
		});
		long nanos = period.toNanos();
		executor.scheduleAtFixedRate(() -> {
			try {
				queue.sweep();
			}
			catch (RuntimeException | Error ex) {
				// One failed sweep must not stop the next ones.
				logger.error("Request queue sweep failed", ex);
			}
		}, nanos, nanos, TimeUnit.NANOSECONDS);
		return new RequestQueueSweeper(executor);
	}

	@Override
	public void close() {
		this.executor.shutdownNow();
	}

}
