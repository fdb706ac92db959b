package dev.scalability.ratelimit.web;

/**
 * Which rate-limit headers responses carry.
 */
public enum HeaderStyle {

	/**
	 * {@code RateLimit-Policy} and {@code RateLimit}, in the structured-field form of
	 * draft-ietf-httpapi-ratelimit-headers.
	 */
	IETF,

	/**
	 * {@code X-RateLimit-Limit}, {@code X-RateLimit-Remaining}, {@code X-RateLimit-Reset}
	 * (seconds), as many older clients expect.
	 */
	LEGACY,

	/**
	 * Both.
	 */
	BOTH,

	/**
	 * None; a refusal still carries {@code Retry-After}.
	 */
	NONE

}
