package dev.scalability.events.redis;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The deliveries of one listener that are started and not finished yet, running or waiting
 * for a handler thread: the reader takes slots up to a limit that changes with the
 * handlers' speed, handlers give them back.
 */
final class HandlingSlots {

	private final ReentrantLock lock = new ReentrantLock();

	private final Condition given = this.lock.newCondition();

	private int taken;

	/**
	 * Takes every slot free under the limit, waiting for one to be given back when none is.
	 * @param limit how many deliveries may be started and not finished
	 * @param waitMillis the longest wait
	 * @return how many slots were taken; 0 when none was free in time
	 * @throws InterruptedException when interrupted while waiting
	 */
	int take(int limit, long waitMillis) throws InterruptedException {
		this.lock.lock();
		try {
			long wait = TimeUnit.MILLISECONDS.toNanos(waitMillis);
			while (this.taken >= limit) {
				if (wait <= 0) {
					return 0;
				}
				wait = this.given.awaitNanos(wait);
			}
			int free = limit - this.taken;
			this.taken = limit;
			return free;
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Gives slots back.
	 * @param count how many
	 */
	void give(int count) {
		if (count <= 0) {
			return;
		}
		this.lock.lock();
		try {
			this.taken -= count;
			this.given.signal();
		}
		finally {
			this.lock.unlock();
		}
	}

}
