package dev.scalability.ratelimit.web;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Runs the refunds of settled requests. In memory they cost nothing and run at once; on
 * Redis they run on one background thread, so that no response waits for them and each
 * gets a whole Redis timeout of its own, whatever the request spent. When more are
 * waiting than the queue holds, the newest are dropped: their permits stay taken, which
 * errs on the safe side.
 */
public final class RateLimitRefunds implements AutoCloseable {

	private final ThreadPoolExecutor executor;

	private RateLimitRefunds(ThreadPoolExecutor executor) {
		this.executor = executor;
	}

	/**
	 * Refunds run by the thread that settles, for a backend that never waits.
	 * @return the refunds
	 */
	public static RateLimitRefunds inline() {
		return new RateLimitRefunds(null);
	}

	/**
	 * Refunds run on a background thread.
	 * @param queued the most refunds waiting at once
	 * @return the refunds
	 */
	public static RateLimitRefunds inBackground(int queued) {
		ThreadPoolExecutor executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
				new ArrayBlockingQueue<>(queued), (task) -> {
					Thread thread = new Thread(task, "scalability-rate-limit-refunds");
					thread.setDaemon(true);
					return thread;
				}, new ThreadPoolExecutor.DiscardPolicy());
		return new RateLimitRefunds(executor);
	}

	void run(Runnable refunds) {
		if (this.executor == null) {
			refunds.run();
		}
		else {
			this.executor.execute(refunds);
		}
	}

	@Override
	public void close() {
		if (this.executor != null) {
			this.executor.shutdown();
		}
	}

}
