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
	 * Give back permits taken by an earlier {@link #ACQUIRE} whose request, in the end, does
	 * not count (with {@code count-status}, a response whose status is not listed). Taking
	 * first and giving back later, rather than looking first and taking later, means that
	 * concurrent requests can never slip past the limit together.
	 */
	REFUND

}
