package dev.scalability.cache;

import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * When a cached entry is reloaded before it expires: probabilistic early expiration
 * (XFetch, Vattani, Chierichetti and Lowenstein, "Optimal Probabilistic Cache Stampede
 * Prevention", VLDB 2015). A read reloads when {@code now - delta * beta * ln(random)}
 * reaches the expiry, {@code delta} being how long the last load took: the closer the
 * expiry and the slower the load, the likelier. A hot key is reloaded by one reader a
 * little before it expires, rather than missed by all its readers at once.
 */
final class EarlyRefresh {

	/**
	 * The paper's choice, optimal for its model.
	 */
	static final double BETA = 1.0;

	/**
	 * {@code -ln(random)} is above this once in about 2·10⁹ draws: further from the expiry
	 * than that, no draw is needed.
	 */
	private static final double LARGEST_DRAW = 21.5;

	private final double beta;

	private final DoubleSupplier random;

	EarlyRefresh() {
		this(BETA, () -> ThreadLocalRandom.current().nextDouble());
	}

	EarlyRefresh(double beta, DoubleSupplier random) {
		this.beta = beta;
		this.random = random;
	}

	/**
	 * Whether this read reloads its entry.
	 * @param now the time, in epoch milliseconds
	 * @param expiresAt when the entry expires, in epoch milliseconds
	 * @param loadMillis how long the entry's load took
	 * @return whether to reload it now
	 */
	boolean due(long now, long expiresAt, int loadMillis) {
		long left = expiresAt - now;
		if (left <= 0) {
			return true;
		}
		double scale = loadMillis * this.beta;
		if (scale * LARGEST_DRAW < left) {
			return false;
		}
		double draw = this.random.getAsDouble();
		// A draw of 0 would mean an infinite head start.
		return -scale * Math.log(Math.max(draw, Double.MIN_NORMAL)) >= left;
	}

}
