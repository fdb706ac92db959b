package dev.scalability.health.autoconfigure;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import dev.scalability.health.metrics.ServerRequestWindow;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.SmartLifecycle;

/**
 * Samples the server's request timers, and the application's health, at a fixed interval
 * on a thread of its own, while the application runs.
 */
class SignalSampling implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(SignalSampling.class);

	private final ServerRequestWindow requests;

	private final HealthStatus health;

	private final Duration interval;

	private ScheduledExecutorService schedule;

	SignalSampling(ServerRequestWindow requests, HealthStatus health, Duration interval) {
		this.requests = requests;
		this.health = health;
		this.interval = interval;
	}

	@Override
	public synchronized void start() {
		if (this.schedule != null) {
			return;
		}
		java.util.concurrent.atomic.AtomicInteger threads = new java.util.concurrent.atomic.AtomicInteger();
		// Two threads: a health indicator that hangs must not keep the requests from being
		// sampled, which is when the alerts need them.
		this.schedule = Executors.newScheduledThreadPool(2, (task) -> {
			Thread thread = new Thread(task, "scalability-signals-" + threads.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		});
		this.schedule.scheduleWithFixedDelay(() -> sample(this.requests::sample), 0, this.interval.toMillis(),
				TimeUnit.MILLISECONDS);
		this.schedule.scheduleWithFixedDelay(() -> sample(this.health::sample), 0, this.interval.toMillis(),
				TimeUnit.MILLISECONDS);
	}

	private void sample(Runnable sampler) {
		try {
			sampler.run();
		}
		catch (RuntimeException ex) {
			logger.debug("Sampling the service's signals failed", ex);
		}
	}

	@Override
	public synchronized void stop() {
		if (this.schedule != null) {
			this.schedule.shutdownNow();
			this.schedule = null;
		}
	}

	@Override
	public synchronized boolean isRunning() {
		return this.schedule != null;
	}

}
