package dev.scalability.requestqueue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A fixed limit that can stop one thread inside the queue, at a given call of
 * {@link #current()} (the queue asks for its limit while it holds its lock), or fail that
 * call: it opens the windows between the queue's steps that other threads race into.
 */
final class HoldingLimit implements ConcurrencyLimit {

	private final int limit;

	private final CountDownLatch reached = new CountDownLatch(1);

	private final CountDownLatch resumed = new CountDownLatch(1);

	private volatile Thread holding;

	private volatile int callsLeft;

	private volatile boolean fail;

	HoldingLimit(int limit) {
		this.limit = limit;
	}

	/**
	 * Holds the given thread at its {@code call}-th request for the limit from now on.
	 */
	void holdAt(Thread thread, int call) {
		this.callsLeft = call;
		this.holding = thread;
	}

	/**
	 * Fails the given thread's {@code call}-th request for the limit from now on.
	 */
	void failAt(Thread thread, int call) {
		this.fail = true;
		holdAt(thread, call);
	}

	void awaitHeld() throws InterruptedException {
		if (!this.reached.await(10, TimeUnit.SECONDS)) {
			throw new IllegalStateException("the thread never asked for the limit");
		}
	}

	void resume() {
		this.resumed.countDown();
	}

	@Override
	public int current() {
		if (Thread.currentThread() == this.holding && --this.callsLeft == 0) {
			this.holding = null;
			if (this.fail) {
				throw new IllegalStateException("the limit failed");
			}
			this.reached.countDown();
			try {
				this.resumed.await(10, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		return this.limit;
	}

	@Override
	public void onSample(long startNanos, long rttNanos, int inflight, boolean dropped) {
	}

	@Override
	public boolean adaptive() {
		return false;
	}

}
