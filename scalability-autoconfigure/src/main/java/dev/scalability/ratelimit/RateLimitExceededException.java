package dev.scalability.ratelimit;

import java.time.Duration;

/**
 * A call went over its rate limit. Spring MVC answers it with 429, {@code Retry-After}
 * and a problem body.
 */
public class RateLimitExceededException extends RuntimeException {

	private final transient RateLimitDecision decision;

	public RateLimitExceededException(RateLimitDecision decision) {
		super("Rate limit '" + decision.policy().name() + "' exceeded; retry after " + decision.retryAfterSeconds()
				+ " s");
		this.decision = decision;
	}

	public RateLimitDecision getDecision() {
		return this.decision;
	}

	/**
	 * How long to wait before the call could succeed.
	 * @return the wait
	 */
	public Duration getRetryAfter() {
		return this.decision.retryAfter();
	}

	public String getRule() {
		return this.decision.policy().name();
	}

}
