package dev.scalability.tasks.redis;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiFunction;

/**
 * Stores the tasks that threads submit at the same time in one script call per queue: a
 * thread that finds another storing waits for its task to be stored along with the
 * others, and stores what queued up meanwhile itself when it was not. A lone submit
 * is one call, as before; submits under load share calls, and each still returns only
 * once its task is stored.
 */
final class SubmitBatches {

	private static final int BATCH = 100;

	private final Queue<Pending> queued = new ConcurrentLinkedQueue<>();

	private final ReentrantLock storing = new ReentrantLock();

	/**
	 * Stores the tasks of one queue: given the queue and the tasks' arguments, answers
	 * with the script's reply, two elements per task.
	 */
	private final BiFunction<String, List<byte[][]>, List<Object>> store;

	SubmitBatches(BiFunction<String, List<byte[][]>, List<Object>> store) {
		this.store = store;
	}

	/**
	 * Stores a task, with those submitted meanwhile.
	 * @param queue the task's queue
	 * @param task the task's arguments of the script
	 * @return the script's reply for this task: its id, and whether it was stored now
	 * @throws RuntimeException what storing the batch threw
	 */
	List<Object> submit(String queue, byte[][] task) {
		Pending pending = new Pending(queue, task, new CompletableFuture<>());
		this.queued.add(pending);
		while (!pending.reply().isDone()) {
			if (this.storing.tryLock()) {
				try {
					// Not done: nobody took it along, so it is in the queue, and this thread stores.
					while (!pending.reply().isDone()) {
						storeBatch();
					}
				}
				finally {
					this.storing.unlock();
				}
			}
			else {
				// Another thread stores, likely this task along: else this one tries again.
				try {
					pending.reply().get(1, TimeUnit.MILLISECONDS);
				}
				catch (TimeoutException | ExecutionException ex) {
					// Done with a failure (thrown below), or not taken along yet.
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					pending.reply().join();
				}
			}
		}
		return pending.reply().join();
	}

	private void storeBatch() {
		Map<String, List<Pending>> byQueue = new LinkedHashMap<>();
		Pending next;
		for (int taken = 0; taken < BATCH && (next = this.queued.poll()) != null; taken++) {
			byQueue.computeIfAbsent(next.queue(), (queue) -> new ArrayList<>()).add(next);
		}
		byQueue.forEach((queue, tasks) -> {
			try {
				List<Object> reply = this.store.apply(queue, tasks.stream().map(Pending::task).toList());
				for (int i = 0; i < tasks.size(); i++) {
					tasks.get(i).reply().complete(List.of(reply.get(2 * i), reply.get(2 * i + 1)));
				}
			}
			catch (RuntimeException | Error ex) {
				tasks.forEach((task) -> task.reply().completeExceptionally(ex));
			}
		});
	}

	private record Pending(String queue, byte[][] task, CompletableFuture<List<Object>> reply) {

	}

}
