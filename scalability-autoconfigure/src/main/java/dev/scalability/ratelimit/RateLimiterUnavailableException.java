package dev.scalability.ratelimit;

/**
 * Thrown when no decision can be made: the shared backend cannot be reached and the
 * fail-mode is {@link FailMode#CLOSED}. Web requests get a 503.
 */
public class RateLimiterUnavailableException extends RuntimeException {

	private final String rule;

	public RateLimiterUnavailableException(String rule, Throwable cause) {
		super("Rate limit '" + rule + "' cannot be checked: its backend is unavailable", cause);
		this.rule = rule;
	}

	public String getRule() {
		return this.rule;
	}

}
