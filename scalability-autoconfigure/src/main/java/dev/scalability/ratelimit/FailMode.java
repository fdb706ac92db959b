package dev.scalability.ratelimit;

/**
 * What the rate limiter does while its shared backend (Redis) cannot be reached.
 */
public enum FailMode {

	/**
	 * Keep limiting with the same limits counted by each instance alone: the service stays
	 * protected, a client may get up to the limit from each instance.
	 */
	LOCAL,

	/**
	 * Allow every request: availability first, no protection until Redis is back.
	 */
	OPEN,

	/**
	 * Refuse every limited request with 503: protection first, the limited routes are
	 * unavailable until Redis is back.
	 */
	CLOSED

}
