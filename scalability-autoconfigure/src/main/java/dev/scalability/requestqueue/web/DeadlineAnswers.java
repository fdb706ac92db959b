package dev.scalability.requestqueue.web;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads that answer requests whose deadline passes while they run. A few suffice:
 * an answer is a few hundred bytes; they only matter when a client is slow to take one,
 * which must then hold up neither the queue's timer nor the other answers for long.
 */
public final class DeadlineAnswers {

	private static final int THREADS = 4;

	private DeadlineAnswers() {
	}

	/**
	 * A pool of daemon threads, idle ones ending after a while. The filter that uses it
	 * shuts it down when destroyed.
	 * @return the pool
	 */
	public static ExecutorService newExecutor() {
		AtomicInteger count = new AtomicInteger();
		ThreadPoolExecutor executor = new ThreadPoolExecutor(THREADS, THREADS, 30, TimeUnit.SECONDS,
				new LinkedBlockingQueue<>(), (task) -> {
					Thread thread = new Thread(task, "request-queue-deadline-" + count.incrementAndGet());
					thread.setDaemon(true);
					return thread;
				});
		executor.allowCoreThreadTimeOut(true);
		return executor;
	}

}
