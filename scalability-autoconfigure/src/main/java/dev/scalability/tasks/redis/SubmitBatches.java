package dev.scalability.tasks.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * Stores the tasks that threads submit to one queue at the same time in one script call: a
 * thread that finds another storing waits for its task to be stored along with the
 * others, and stores what queued up meanwhile itself when it was not. A lone submit is one
 * call, as before; submits under load share calls, and each still returns only once its
 * task is stored. One per queue, so that a slow queue (its Cluster master failing over)
 * holds up no other.
 */
final class SubmitBatches {

	private static final int MOST_TASKS = 100;

	/**
	 * Payload bytes per call, at most (one task at least): a call of large payloads must
	 * not outlast the timeout for all of them.
	 */
	private static final int MOST_BYTES = 512 * 1024;

	private static final long LONGEST_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

	private final Queue<Pending> queued = new ConcurrentLinkedQueue<>();

	private final ReentrantLock storing = new ReentrantLock();

	/**
	 * Stores tasks of the queue: given their arguments of the script, answers with the
	 * script's reply, two elements per task.
	 */
	private final Function<List<byte[][]>, List<Object>> store;

	SubmitBatches(Function<List<byte[][]>, List<Object>> store) {
		this.store = store;
	}

	/**
	 * Stores a task, with those submitted meanwhile.
	 * @param task the task's arguments of the script; its third is the payload
	 * @return the script's reply for this task: its id, and whether it was stored now
	 * @throws java.util.concurrent.CompletionException with what storing the batch threw
	 */
	List<Object> submit(byte[][] task) {
		Pending pending = new Pending(task, new CompletableFuture<>());
		this.queued.add(pending);
		long wait = TimeUnit.MILLISECONDS.toNanos(1);
		boolean interrupted = false;
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
				// Another thread stores, likely this task along; else this one tries again.
				try {
					pending.reply().get(wait, TimeUnit.NANOSECONDS);
				}
				catch (TimeoutException | ExecutionException ex) {
					// Not taken along yet, or failed: answered below.
				}
				catch (InterruptedException ex) {
					// Its task may be in a batch under way: the caller learns how it ended,
					// and its interrupt afterwards.
					interrupted = true;
				}
				wait = Math.min(wait * 2, LONGEST_WAIT_NANOS);
			}
		}
		if (interrupted) {
			Thread.currentThread().interrupt();
		}
		return pending.reply().join();
	}

	private void storeBatch() {
		List<Pending> batch = new ArrayList<>();
		int bytes = 0;
		Pending next;
		while (batch.size() < MOST_TASKS && (next = this.queued.peek()) != null
				&& (batch.isEmpty() || bytes + next.task()[2].length <= MOST_BYTES)) {
			this.queued.poll();
			batch.add(next);
			bytes += next.task()[2].length;
		}
		if (batch.isEmpty()) {
			return;
		}
		// The others' tasks must not fail because this thread was interrupted.
		boolean interrupted = Thread.interrupted();
		try {
			List<Object> reply = this.store.apply(batch.stream().map(Pending::task).toList());
			for (int i = 0; i < batch.size(); i++) {
				batch.get(i).reply().complete(List.of(reply.get(2 * i), reply.get(2 * i + 1)));
			}
		}
		catch (RuntimeException | Error ex) {
			batch.forEach((task) -> task.reply().completeExceptionally(ex));
		}
		finally {
			if (interrupted) {
				Thread.currentThread().interrupt();
			}
		}
	}

	private record Pending(byte[][] task, CompletableFuture<List<Object>> reply) {

	}

}
