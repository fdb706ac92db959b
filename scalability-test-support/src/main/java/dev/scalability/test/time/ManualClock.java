package dev.scalability.test.time;

import java.time.Duration;

/**
 * A clock tests move by hand, in nanoseconds since the epoch like the starter's
 * {@code MonotonicClock} (pass {@code clock::nanos}). It starts on a whole hour, so that
 * fixed windows of an hour or less start with the test, and can be stepped back, as a
 * server's clock can be.
 */
public final class ManualClock {

	/**
	 * 400 000 hours after the epoch, in nanoseconds: a whole hour, and small enough in
	 * microseconds to be exact in a Lua number.
	 */
	public static final long START = 400_000L * 3_600_000_000_000L;

	private volatile long nanos = START;

	public long nanos() {
		return this.nanos;
	}

	/**
	 * The time in microseconds, as a Redis script reads it.
	 * @return microseconds since the epoch
	 */
	public long micros() {
		return this.nanos / 1_000;
	}

	public void advance(Duration duration) {
		this.nanos += duration.toNanos();
	}

	/**
	 * Moves the clock backwards, as NTP or a failover to a server behind can.
	 * @param duration how far
	 */
	public void stepBack(Duration duration) {
		this.nanos -= duration.toNanos();
	}

	public void set(long nanos) {
		this.nanos = nanos;
	}

}
