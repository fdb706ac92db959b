package dev.scalability.events.memory;

import java.util.Comparator;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.TreeMap;
import java.util.concurrent.locks.Condition;

import dev.scalability.events.DeliveryVerdict;
import dev.scalability.events.Event;
import dev.scalability.events.Subscription;

/**
 * A listener group's place in its topic: the next event to give it, the events it holds
 * (running, or waiting for a retry) and the retries by due time. Not thread-safe: every
 * method runs under its topic's lock, and its workers wait on {@link #available()}.
 */
final class MemoryGroup {

	private final Subscription subscription;

	private final Condition available;

	private final PriorityQueue<Delivery> retries = new PriorityQueue<>(
			Comparator.comparingLong(Delivery::dueNanos).thenComparingLong(Delivery::sequence));

	/**
	 * How many times each sequence is held: once normally, more when a replay gives an
	 * event again while it still waits for a retry.
	 */
	private final TreeMap<Long, Integer> held = new TreeMap<>();

	private long cursor;

	private long heldCount;

	MemoryGroup(Subscription subscription, Condition available, long cursor) {
		this.subscription = subscription;
		this.available = available;
		this.cursor = cursor;
	}

	Subscription subscription() {
		return this.subscription;
	}

	Condition available() {
		return this.available;
	}

	/**
	 * The next delivery due: a retry whose time has come, else the next event of the log.
	 * @param log the topic's events
	 * @param now {@link System#nanoTime()}
	 * @return the delivery, now held; {@code null} when nothing is due
	 */
	Delivery next(EventLog log, long now) {
		Delivery retry = this.retries.peek();
		if (retry != null && retry.dueNanos() - now <= 0) {
			return this.retries.poll();
		}
		if (this.cursor < log.nextSequence()) {
			long sequence = this.cursor++;
			hold(sequence);
			return new Delivery(log.get(sequence), sequence, 0, now);
		}
		return null;
	}

	/**
	 * How long until the next retry is due.
	 * @param now {@link System#nanoTime()}
	 * @return nanoseconds, or -1 when no retry waits
	 */
	long nanosToNextRetry(long now) {
		Delivery retry = this.retries.peek();
		return (retry != null) ? Math.max(0, retry.dueNanos() - now) : -1;
	}

	/**
	 * Applies what followed a delivery.
	 * @param delivery the delivery
	 * @param verdict what follows
	 * @param now {@link System#nanoTime()}
	 */
	void settle(Delivery delivery, DeliveryVerdict verdict, long now) {
		if (verdict.kind() == DeliveryVerdict.Kind.RETRY) {
			this.retries.add(new Delivery(delivery.event(), delivery.sequence(), delivery.attemptsMade() + 1,
					now + verdict.retryAfter().toNanos()));
			this.available.signal();
		}
		else {
			release(delivery.sequence());
		}
	}

	/**
	 * Gives an event to the group again, as new, at once.
	 * @param event the event
	 * @param sequence its sequence in the log (it may no longer be kept there)
	 * @param now {@link System#nanoTime()}
	 */
	void redeliver(Event event, long sequence, long now) {
		hold(sequence);
		this.retries.add(new Delivery(event, sequence, 0, now));
		this.available.signal();
	}

	/**
	 * Moves the group back, so that it gets the log's events again from a sequence on.
	 * Never forward: events not given yet are not skipped.
	 * @param sequence the first sequence to give again
	 */
	void rewind(long sequence) {
		this.cursor = Math.min(this.cursor, sequence);
		this.available.signalAll();
	}

	/**
	 * The oldest sequence the group still needs from the log. Events held from below the
	 * log's first sequence (redriven after the log dropped them) are carried by their
	 * delivery, not the log, so they hold nothing back.
	 * @param firstKept the log's first sequence
	 * @return the sequence, which trimming must keep
	 */
	long oldestNeeded(long firstKept) {
		Long oldestHeld = this.held.ceilingKey(firstKept);
		return (oldestHeld != null) ? Math.min(this.cursor, oldestHeld) : this.cursor;
	}

	long lag(EventLog log) {
		return log.nextSequence() - this.cursor;
	}

	long pending() {
		return this.heldCount;
	}

	private void hold(long sequence) {
		this.held.merge(sequence, 1, Integer::sum);
		this.heldCount++;
	}

	private void release(long sequence) {
		Map.Entry<Long, Integer> entry = this.held.ceilingEntry(sequence);
		if (entry != null && entry.getKey() == sequence) {
			if (entry.getValue() == 1) {
				this.held.remove(sequence);
			}
			else {
				this.held.put(sequence, entry.getValue() - 1);
			}
			this.heldCount--;
		}
	}

	/**
	 * One event given to the group.
	 *
	 * @param event the event
	 * @param sequence its place in the log
	 * @param attemptsMade tries before this one
	 * @param dueNanos when it may be tried, as {@link System#nanoTime()}
	 */
	record Delivery(Event event, long sequence, int attemptsMade, long dueNanos) {

	}

}
