package dev.scalability.events;

import java.time.Duration;

import dev.scalability.delivery.DeadLetter;

/**
 * What follows one handling of an event.
 *
 * @param kind acknowledge, retry or dead letter
 * @param retryAfter the wait before the retry; {@code null} otherwise
 * @param deadLetter the dead letter to keep; {@code null} otherwise
 */
public record DeliveryVerdict(Kind kind, Duration retryAfter, DeadLetter deadLetter) {

	static DeliveryVerdict acknowledge() {
		return new DeliveryVerdict(Kind.ACKNOWLEDGE, null, null);
	}

	static DeliveryVerdict retry(Duration after) {
		return new DeliveryVerdict(Kind.RETRY, after, null);
	}

	static DeliveryVerdict deadLetter(DeadLetter deadLetter) {
		return new DeliveryVerdict(Kind.DEAD_LETTER, null, deadLetter);
	}

	/**
	 * The kinds of verdict, with the name metrics show them by.
	 */
	public enum Kind {

		/**
		 * The handler succeeded: the event is done with for the group.
		 */
		ACKNOWLEDGE("success"),

		/**
		 * The handler failed and will be tried again.
		 */
		RETRY("retry"),

		/**
		 * The handler failed for the last time: the event is a dead letter of the group.
		 */
		DEAD_LETTER("dead-letter");

		private final String outcome;

		Kind(String outcome) {
			this.outcome = outcome;
		}

		/**
		 * The verdict's name in metrics.
		 * @return {@code success}, {@code retry} or {@code dead-letter}
		 */
		public String outcome() {
			return this.outcome;
		}

	}

}
