package dev.scalability.time;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * A daemon thread that asks to wake every 10 ms and records how late it woke: a garbage
 * collection pause makes it late once and long, more runnable threads than cores make it
 * late often and a little; either way every other thread, Lettuce's event loop included,
 * is as late.
 */
final class JvmPauseDetector implements PauseDetector {

	private static final long INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

	/**
	 * Lateness below this is ordinary scheduling noise, not recorded.
	 */
	private static final long RECORDED_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

	/**
	 * Five seconds of wake-ups, if every one is late.
	 */
	private static final int HISTORY = 512;

	private static volatile JvmPauseDetector shared;

	/**
	 * The end and the length of recent pauses, in {@link System#nanoTime()}, in a ring.
	 */
	private final AtomicLongArray ends = new AtomicLongArray(HISTORY);

	private final AtomicLongArray lengths = new AtomicLongArray(HISTORY);

	private int next;

	private JvmPauseDetector() {
	}

	static JvmPauseDetector shared() {
		JvmPauseDetector detector = shared;
		if (detector == null) {
			synchronized (JvmPauseDetector.class) {
				detector = shared;
				if (detector == null) {
					detector = new JvmPauseDetector();
					Thread thread = new Thread(detector::watch, "scalability-pause-detector");
					thread.setDaemon(true);
					thread.start();
					shared = detector;
				}
			}
		}
		return detector;
	}

	private void watch() {
		while (!Thread.currentThread().isInterrupted()) {
			long before = System.nanoTime();
			LockSupport.parkNanos(INTERVAL_NANOS);
			long after = System.nanoTime();
			long late = after - before - INTERVAL_NANOS;
			if (late >= RECORDED_NANOS) {
				record(after, late);
			}
		}
	}

	private void record(long end, long length) {
		int slot = this.next;
		this.next = (slot + 1) % HISTORY;
		this.lengths.set(slot, length);
		this.ends.set(slot, end);
	}

	@Override
	public long pausedNanosSince(long since) {
		long paused = 0;
		for (int i = 0; i < HISTORY; i++) {
			long end = this.ends.get(i);
			if (end != 0 && end - since > 0) {
				// Only the part of a pause after the moment counts.
				paused += Math.min(this.lengths.get(i), end - since);
			}
		}
		return paused;
	}

}
