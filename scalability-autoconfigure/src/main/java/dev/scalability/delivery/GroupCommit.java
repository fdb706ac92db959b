package dev.scalability.delivery;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

/**
 * Tells a store of many outcomes in one call: the handler thread that finds nobody
 * committing commits what the others queued meanwhile, in batches, while they go on with
 * their next message. Under load each call carries many outcomes; alone, an outcome goes
 * at once.
 *
 * @param <T> the outcome
 */
public final class GroupCommit<T> {

	private final Queue<T> queued = new ConcurrentLinkedQueue<>();

	private final AtomicBoolean committing = new AtomicBoolean();

	private final int batchSize;

	private final Predicate<List<T>> commit;

	/**
	 * Creates a group commit.
	 * @param batchSize outcomes per call, at most
	 * @param commit tells a batch to the store, and keeps what the store did not hear for
	 * later itself; says whether the store heard it
	 */
	public GroupCommit(int batchSize, Predicate<List<T>> commit) {
		if (batchSize < 1) {
			throw new IllegalArgumentException("batchSize must be at least 1, not " + batchSize);
		}
		this.batchSize = batchSize;
		this.commit = commit;
	}

	/**
	 * Queues an outcome and commits, unless another thread is committing: that one takes
	 * it along.
	 * @param outcome the outcome
	 * @return {@code false} when a batch this thread committed did not reach the store
	 */
	public boolean add(T outcome) {
		this.queued.add(outcome);
		return commit();
	}

	/**
	 * Commits what is queued, unless another thread is committing.
	 * @return {@code false} when a batch this thread committed did not reach the store
	 */
	public boolean commit() {
		boolean told = true;
		// Checked again once the flag is down: what was queued meanwhile is not stranded.
		while (!this.queued.isEmpty() && this.committing.compareAndSet(false, true)) {
			try {
				List<T> batch = new ArrayList<>();
				T next;
				while (batch.size() < this.batchSize && (next = this.queued.poll()) != null) {
					batch.add(next);
				}
				if (!batch.isEmpty()) {
					told &= this.commit.test(batch);
				}
			}
			finally {
				this.committing.set(false);
			}
		}
		return told;
	}

	/**
	 * Outcomes queued and not yet taken into a batch.
	 * @return how many
	 */
	public int queued() {
		return this.queued.size();
	}

}
