package dev.scalability.events;

import java.time.Instant;

/**
 * The id of an event, as Redis Streams writes it: {@code <milliseconds>-<sequence>}, the
 * time it was stored and its rank within that millisecond. Ids increase within a topic, so
 * they also say which event came first.
 *
 * @param millis milliseconds since the epoch
 * @param sequence rank within the millisecond, from 0
 */
public record EventId(long millis, long sequence) implements Comparable<EventId> {

	public EventId {
		if (millis < 0 || sequence < 0) {
			throw new IllegalArgumentException("an event id is two numbers that are not negative");
		}
	}

	/**
	 * The id before which every event of a time was stored.
	 * @param time the time
	 * @return the first id of its millisecond
	 */
	public static EventId of(Instant time) {
		return new EventId(time.toEpochMilli(), 0);
	}

	/**
	 * Reads an id.
	 * @param text {@code <millis>-<sequence>}, or {@code <millis>} for the first of that
	 * millisecond
	 * @return the id
	 * @throws IllegalArgumentException when the text is no id
	 */
	public static EventId parse(String text) {
		int dash = text.indexOf('-');
		try {
			if (dash < 0) {
				return new EventId(Long.parseLong(text), 0);
			}
			return new EventId(Long.parseLong(text.substring(0, dash)), Long.parseLong(text.substring(dash + 1)));
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException("'" + text + "' is no event id: expected <milliseconds>-<sequence>, "
					+ "such as 1700000000000-0", ex);
		}
	}

	public Instant time() {
		return Instant.ofEpochMilli(this.millis);
	}

	@Override
	public int compareTo(EventId other) {
		int byTime = Long.compare(this.millis, other.millis);
		return (byTime != 0) ? byTime : Long.compare(this.sequence, other.sequence);
	}

	@Override
	public String toString() {
		return this.millis + "-" + this.sequence;
	}

}
