package dev.scalability.test.redis;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Waits for a condition that another process makes true (a server answering, a cluster converging). Polling is the
 * only option there: a child process offers no callback. Awaitility is test-scoped, so this small loop stands in.
 */
final class Polling {

	private static final Duration INTERVAL = Duration.ofMillis(25);

	private Polling() {
	}

	/** @return whether the condition became true before the timeout */
	static boolean until(Duration timeout, BooleanSupplier condition) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (true) {
			if (condition.getAsBoolean()) {
				return true;
			}
			if (System.nanoTime() - deadline >= 0) {
				return false;
			}
			try {
				Thread.sleep(INTERVAL.toMillis());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return false;
			}
		}
	}

}
