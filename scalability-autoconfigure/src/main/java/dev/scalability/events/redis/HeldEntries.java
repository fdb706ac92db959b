package dev.scalability.events.redis;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.PriorityBlockingQueue;

/**
 * The entries of a group this instance holds (running, waiting to run, or waiting for
 * their retry), and the retries by due time. Another instance may claim one of them when
 * this one could not renew it: then it is forgotten here.
 */
final class HeldEntries {

	private final Set<Delivery.Held> held = ConcurrentHashMap.newKeySet();

	private final PriorityBlockingQueue<Retry> retries = new PriorityBlockingQueue<>(16,
			Comparator.comparingLong(Retry::dueNanos));

	void hold(Delivery delivery) {
		this.held.add(delivery.held());
	}

	void release(Delivery delivery) {
		this.held.remove(delivery.held());
	}

	boolean holds(Delivery delivery) {
		return this.held.contains(delivery.held());
	}

	/**
	 * The ids held in one stream.
	 * @param redriven whether the redrive stream's, else the topic's
	 * @return the ids
	 */
	List<String> ids(boolean redriven) {
		List<String> ids = new ArrayList<>();
		for (Delivery.Held entry : this.held) {
			if (entry.redriven() == redriven) {
				ids.add(entry.entryId());
			}
		}
		return ids;
	}

	/**
	 * Keeps a delivery for its retry.
	 * @param delivery the delivery that failed
	 * @param dueNanos when to try again, in {@link System#nanoTime()}
	 */
	void retryAt(Delivery delivery, long dueNanos) {
		this.retries.add(new Retry(delivery, dueNanos));
	}

	/**
	 * Takes the retries whose time has come.
	 * @param max how many at most
	 * @return the deliveries to try again, still held
	 */
	List<Delivery> dueRetries(int max) {
		List<Delivery> due = new ArrayList<>();
		long now = System.nanoTime();
		Retry next;
		while (due.size() < max && (next = this.retries.peek()) != null && next.dueNanos() - now <= 0) {
			Retry retry = this.retries.poll();
			if (retry != null) {
				due.add(retry.delivery());
			}
		}
		return due;
	}

	/**
	 * Puts retries back that could not be claimed (Redis away), due at once.
	 * @param deliveries the deliveries
	 */
	void retryNow(Collection<Delivery> deliveries) {
		long now = System.nanoTime();
		deliveries.forEach((delivery) -> this.retries.add(new Retry(delivery, now)));
	}

	/**
	 * How many deliveries wait for their retry.
	 * @return their number
	 */
	int retriesWaiting() {
		return this.retries.size();
	}

	/**
	 * How long until the next retry is due.
	 * @return nanoseconds, {@link Long#MAX_VALUE} when none waits
	 */
	long nanosToNextRetry() {
		Retry next = this.retries.peek();
		return (next != null) ? Math.max(0, next.dueNanos() - System.nanoTime()) : Long.MAX_VALUE;
	}

	/**
	 * Forgets an entry: another instance has it now, or it is gone.
	 * @param entry the entry
	 */
	void forget(Delivery.Held entry) {
		this.held.remove(entry);
		this.retries.removeIf((retry) -> retry.delivery().held().equals(entry));
	}

	private record Retry(Delivery delivery, long dueNanos) {

	}

}
