package dev.scalability.time;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * A daemon thread that asks to wake every 10 ms and records how late it woke: a garbage
 * collection pause, or more runnable threads than cores, makes it late, as it makes every
 * other thread late, Lettuce's event loop included.
 */
final class JvmPauseDetector implements PauseDetector {

	private static final long INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

	/**
	 * Lateness below this is ordinary scheduling noise, not recorded.
	 */
	private static final long RECORDED_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

	private static final int HISTORY = 64;

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
	public long longestPauseSince(long since) {
		long longest = 0;
		for (int i = 0; i < HISTORY; i++) {
			long end = this.ends.get(i);
			if (end != 0 && end - since > 0) {
				longest = Math.max(longest, this.lengths.get(i));
			}
		}
		return longest;
	}

}
