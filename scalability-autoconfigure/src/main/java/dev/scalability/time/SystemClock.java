package dev.scalability.time;

/**
 * The wall clock read once, advanced by {@link System#nanoTime()}: one addition per read,
 * and no step backwards when NTP corrects the wall clock.
 */
final class SystemClock implements MonotonicClock {

	static final SystemClock INSTANCE = new SystemClock();

	private final long offset = System.currentTimeMillis() * 1_000_000L - System.nanoTime();

	private SystemClock() {
	}

	@Override
	public long nanos() {
		return this.offset + System.nanoTime();
	}

}
