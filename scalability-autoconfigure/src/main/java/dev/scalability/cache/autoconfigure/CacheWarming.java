package dev.scalability.cache.autoconfigure;

import java.util.List;

import dev.scalability.cache.CacheWarmer;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.cache.CacheManager;
import org.springframework.context.SmartLifecycle;

/**
 * Runs the application's {@link CacheWarmer}s once at start-up: after Redis is warmed up,
 * before the web server accepts requests (so before the application reports ready).
 */
class CacheWarming implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(CacheWarming.class);

	/**
	 * After Redis's warm-up, long before the web server.
	 */
	static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096 + 1;

	private final List<CacheWarmer> warmers;

	private final CacheManager caches;

	private volatile boolean running;

	CacheWarming(List<CacheWarmer> warmers, CacheManager caches) {
		this.warmers = warmers;
		this.caches = caches;
	}

	@Override
	public void start() {
		if (this.running) {
			return;
		}
		this.running = true;
		for (CacheWarmer warmer : this.warmers) {
			long start = System.nanoTime();
			try {
				warmer.warm(this.caches);
				if (logger.isDebugEnabled()) {
					logger.debug("Cache warmer " + warmer + " took " + (System.nanoTime() - start) / 1_000_000 + " ms");
				}
			}
			catch (Exception ex) {
				logger.warn("Cache warmer " + warmer + " failed; the application starts with colder caches", ex);
			}
		}
	}

	@Override
	public void stop() {
		this.running = false;
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
