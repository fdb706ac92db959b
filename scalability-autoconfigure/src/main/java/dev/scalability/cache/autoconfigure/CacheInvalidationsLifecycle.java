package dev.scalability.cache.autoconfigure;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import dev.scalability.cache.redis.CacheInvalidations;

import org.springframework.context.SmartLifecycle;

/**
 * Subscribes to the invalidations of the shared cache when the application starts, with
 * Redis's warm-up and before the cache warmers and the web server, and again every second
 * until it is subscribed (Redis may be away at start-up); closes the subscription when the
 * application stops, after the web server has drained.
 */
class CacheInvalidationsLifecycle implements SmartLifecycle {

	static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

	private static final long RETRY_MILLIS = 1_000;

	private final CacheInvalidations invalidations;

	private ScheduledExecutorService subscriber;

	CacheInvalidationsLifecycle(CacheInvalidations invalidations) {
		this.invalidations = invalidations;
	}

	@Override
	public synchronized void start() {
		if (this.subscriber != null) {
			return;
		}
		this.subscriber = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "cache-invalidations");
			thread.setDaemon(true);
			return thread;
		});
		this.invalidations.subscribe();
		this.subscriber.scheduleWithFixedDelay(this.invalidations::subscribe, RETRY_MILLIS, RETRY_MILLIS,
				TimeUnit.MILLISECONDS);
	}

	@Override
	public synchronized void stop() {
		if (this.subscriber == null) {
			return;
		}
		this.subscriber.shutdownNow();
		this.subscriber = null;
		this.invalidations.close();
	}

	@Override
	public synchronized boolean isRunning() {
		return this.subscriber != null;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

}
