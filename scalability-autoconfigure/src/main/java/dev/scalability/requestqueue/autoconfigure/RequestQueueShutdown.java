package dev.scalability.requestqueue.autoconfigure;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.scalability.requestqueue.RequestQueue;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.SmartLifecycle;

/**
 * Drains the queue when the application shuts down, before the web server stops: from
 * then on new requests get 503 {@code shutting-down} (readiness already says the instance
 * refuses traffic), while requests waiting and running go on. Once none is left, or the
 * shutdown phase's timeout is nearly spent, the web server's own graceful shutdown goes
 * on; requests still waiting then are answered 503 {@code shutting-down}, never dropped.
 */
class RequestQueueShutdown implements SmartLifecycle {

	/**
	 * Stops before the web server's graceful shutdown (phase
	 * {@code DEFAULT_PHASE - 1024}), which stops taking connections.
	 */
	static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 512;

	private static final Log logger = LogFactory.getLog(RequestQueueShutdown.class);

	private final RequestQueue queue;

	private final Duration timeout;

	private final boolean drain;

	private volatile boolean running;

	/**
	 * Creates the lifecycle.
	 * @param queue the queue
	 * @param timeout {@code spring.lifecycle.timeout-per-shutdown-phase}
	 * @param drain whether to let waiting requests run ({@code server.shutdown=graceful});
	 * when not, they are refused at once, as the web server stops at once too
	 */
	RequestQueueShutdown(RequestQueue queue, Duration timeout, boolean drain) {
		this.queue = queue;
		this.timeout = timeout;
		this.drain = drain;
	}

	@Override
	public void start() {
		// Started again after a stop (a restored checkpoint, a restarted context): admit again.
		this.queue.reopen();
		this.running = true;
	}

	@Override
	public void stop() {
		throw new UnsupportedOperationException("Stop must not be invoked directly");
	}

	@Override
	public void stop(Runnable callback) {
		this.running = false;
		CompletableFuture<Void> idle = this.queue.shutdown();
		if (!this.drain) {
			this.queue.refuseWaiting();
			callback.run();
			return;
		}
		if (idle.isDone()) {
			callback.run();
			return;
		}
		logger.info("Request queue draining: new requests are refused, waiting and running ones go on");
		// Leave a tenth of the phase to answer those still waiting, before the processor gives up on us.
		long drainMillis = Math.max(1, this.timeout.toMillis() * 9 / 10);
		idle.copy().orTimeout(drainMillis, TimeUnit.MILLISECONDS).whenComplete((done, failure) -> {
			if (failure != null) {
				int refused = this.queue.refuseWaiting();
				logger.warn("Request queue not drained within " + Duration.ofMillis(drainMillis) + "; " + refused
						+ " waiting requests were answered 503 shutting-down");
			}
			callback.run();
		});
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

}
