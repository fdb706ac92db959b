package dev.scalability.delivery;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff with jitter: the n-th retry waits {@code initial * multiplier^(n-1)},
 * at most {@code max}, spread by up to {@code jitter} either way, so that handlers that
 * failed together do not all retry at the same instant.
 *
 * @param initial the wait before the first retry
 * @param multiplier how much each wait grows over the one before, at least 1
 * @param max the longest wait
 * @param jitter the share of a wait it may move by either way, between 0 and 1
 */
public record Backoff(Duration initial, double multiplier, Duration max, double jitter) {

	public Backoff {
		if (initial.isNegative()) {
			throw new IllegalArgumentException("initial must not be negative");
		}
		if (multiplier < 1) {
			throw new IllegalArgumentException("multiplier must be at least 1");
		}
		if (max.compareTo(initial) < 0) {
			throw new IllegalArgumentException("max must not be less than initial");
		}
		if (jitter < 0 || jitter > 1) {
			throw new IllegalArgumentException("jitter must be between 0 and 1");
		}
	}

	/**
	 * Doubling waits, from {@code initial} up to {@code max}, spread by 20%.
	 * @param initial the first wait
	 * @param max the longest wait
	 * @return the backoff
	 */
	public static Backoff exponential(Duration initial, Duration max) {
		return new Backoff(initial, 2, max, 0.2);
	}

	/**
	 * The wait before a retry.
	 * @param retry which retry, from 1
	 * @param random uniform numbers in [0, 1)
	 * @return the wait, never more than {@link #max()}
	 */
	public Duration delay(int retry, DoubleSupplier random) {
		double nanos = this.initial.toNanos() * Math.pow(this.multiplier, Math.max(0, retry - 1));
		double capped = Math.min(nanos, this.max.toNanos());
		double spread = capped * (1 + this.jitter * (2 * random.getAsDouble() - 1));
		return Duration.ofNanos((long) Math.max(0, Math.min(spread, this.max.toNanos())));
	}

}
