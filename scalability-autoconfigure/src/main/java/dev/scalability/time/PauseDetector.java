package dev.scalability.time;

/**
 * Notices when this JVM stops running its threads on time: a garbage collection pause, or
 * more runnable threads than cores (a cold JVM compiling under a flood of requests). A
 * wait that timed out while the JVM itself was paused says nothing about what it waited
 * for: the answer may have arrived and not been read yet.
 */
@FunctionalInterface
public interface PauseDetector {

	/**
	 * How long this JVM has been paused since a moment: the sum of its pauses, long ones
	 * (garbage collection) and short ones (starved cores) alike.
	 * @param since the moment, in {@link System#nanoTime()}
	 * @return nanoseconds, 0 when it ran on time
	 */
	long pausedNanosSince(long since);

	/**
	 * The detector of this JVM, started on first use: one daemon thread for the JVM.
	 * @return the detector
	 */
	static PauseDetector jvm() {
		return JvmPauseDetector.shared();
	}

}
