package dev.scalability.test.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cleans up what tests started when the JVM exits, so no redis-server (or container) outlives a test run even when a
 * test forgets to close it or the run is interrupted. One shutdown hook serves every owner.
 */
final class ProcessReaper {

	private static final Logger logger = LoggerFactory.getLogger(ProcessReaper.class);

	private static final Map<Object, Runnable> cleanups = new ConcurrentHashMap<>();

	static {
		Runtime.getRuntime().addShutdownHook(new Thread(ProcessReaper::runAll, "redis-test-process-reaper"));
	}

	private ProcessReaper() {
	}

	/** Runs {@code cleanup} at JVM exit unless {@link #forget(Object)} is called for the same owner first. */
	static void atExit(Object owner, Runnable cleanup) {
		cleanups.put(owner, cleanup);
	}

	static void forget(Object owner) {
		cleanups.remove(owner);
	}

	private static void runAll() {
		List<Runnable> pending = new ArrayList<>(cleanups.values());
		cleanups.clear();
		for (Runnable cleanup : pending) {
			try {
				cleanup.run();
			}
			catch (RuntimeException ex) {
				logger.warn("Cleanup at JVM exit failed", ex);
			}
		}
	}

}
