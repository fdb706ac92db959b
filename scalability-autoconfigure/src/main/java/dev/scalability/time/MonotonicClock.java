package dev.scalability.time;

/**
 * The one clock of the starter: nanoseconds since the epoch that never go backwards. Time
 * differences are those of {@link System#nanoTime()}, and fixed windows still start on the
 * wall clock's whole minutes and hours. Every time-based decision in this JVM reads it, so
 * that tests replace it with a clock they move by hand instead of sleeping.
 */
@FunctionalInterface
public interface MonotonicClock {

	/**
	 * The current time.
	 * @return nanoseconds since the epoch, never less than an earlier reading
	 */
	long nanos();

	/**
	 * The system's clock: the wall clock read once, advanced by {@link System#nanoTime()}.
	 * @return the clock
	 */
	static MonotonicClock system() {
		return SystemClock.INSTANCE;
	}

}
