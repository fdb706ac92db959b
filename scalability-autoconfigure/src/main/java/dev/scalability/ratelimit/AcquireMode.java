package dev.scalability.ratelimit;

/**
 * What a request for permits does to the state of a key.
 */
public enum AcquireMode {

	/**
	 * Take the permits if they are all available; a refusal counts towards the penalty.
	 */
	ACQUIRE,

	/**
	 * Only look: would the permits be granted? Nothing is taken; a refusal counts towards
	 * the penalty, since the request it answers is refused. Used with
	 * {@code count-status}, where only some responses consume.
	 */
	CHECK,

	/**
	 * Take the permits after the fact (the request was already served) if they are
	 * available; a refusal is not a violation.
	 */
	RECORD

}
