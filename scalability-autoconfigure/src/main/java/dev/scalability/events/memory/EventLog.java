package dev.scalability.events.memory;

import dev.scalability.events.Event;
import dev.scalability.events.EventId;

/**
 * The events kept for one topic, oldest first, each at a sequence number that never
 * changes: a ring that grows as needed up to its capacity, so that an idle topic costs
 * little and a full one no more than its retention. Not thread-safe: its topic guards it.
 */
final class EventLog {

	private static final int INITIAL_SIZE = 16;

	private final int capacity;

	private Event[] ring;

	private int head;

	private int size;

	private long firstSequence;

	EventLog(int capacity) {
		this.capacity = capacity;
		this.ring = new Event[Math.min(INITIAL_SIZE, capacity)];
	}

	int size() {
		return this.size;
	}

	boolean isFull() {
		return this.size == this.capacity;
	}

	/**
	 * The sequence of the oldest event kept; {@link #nextSequence()} when none is.
	 * @return the sequence
	 */
	long firstSequence() {
		return this.firstSequence;
	}

	/**
	 * The sequence the next event appended gets.
	 * @return the sequence
	 */
	long nextSequence() {
		return this.firstSequence + this.size;
	}

	Event get(long sequence) {
		if (sequence < this.firstSequence || sequence >= nextSequence()) {
			throw new IndexOutOfBoundsException("no event at " + sequence);
		}
		return this.ring[(int) ((this.head + (sequence - this.firstSequence)) % this.ring.length)];
	}

	Event last() {
		return (this.size == 0) ? null : get(nextSequence() - 1);
	}

	void append(Event event) {
		if (this.size == this.capacity) {
			throw new IllegalStateException("the log is full");
		}
		if (this.size == this.ring.length) {
			grow();
		}
		this.ring[(this.head + this.size) % this.ring.length] = event;
		this.size++;
	}

	void removeFirst() {
		this.ring[this.head] = null;
		this.head = (this.head + 1) % this.ring.length;
		this.size--;
		this.firstSequence++;
	}

	/**
	 * The sequence of the first event kept whose id is not less than the given one.
	 * @param id the id
	 * @return the sequence, or {@link #nextSequence()} when every event kept is older
	 */
	long firstAtOrAfter(EventId id) {
		long low = this.firstSequence;
		long high = nextSequence();
		while (low < high) {
			long middle = (low + high) >>> 1;
			if (EventId.parse(get(middle).id()).compareTo(id) < 0) {
				low = middle + 1;
			}
			else {
				high = middle;
			}
		}
		return low;
	}

	private void grow() {
		Event[] grown = new Event[(int) Math.min((long) this.ring.length * 2, this.capacity)];
		for (int i = 0; i < this.size; i++) {
			grown[i] = this.ring[(this.head + i) % this.ring.length];
		}
		this.ring = grown;
		this.head = 0;
	}

}
