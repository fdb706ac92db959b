package dev.scalability.delivery;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How often a failing handler is tried, and how long to wait between tries.
 *
 * @param maxAttempts tries in all, the first included; then the message is a dead letter
 * @param backoff the waits between tries
 */
public record RetryPolicy(int maxAttempts, Backoff backoff) {

	public RetryPolicy {
		if (maxAttempts < 1) {
			throw new IllegalArgumentException("maxAttempts must be at least 1");
		}
	}

	/**
	 * What follows a failed attempt.
	 * @param attemptsMade tries so far, the failed one included
	 * @param outcome the failure
	 * @return the wait before the next try, or empty when the message is to be a dead
	 * letter: its tries are spent, or retrying cannot help
	 */
	public Optional<Duration> retryAfter(int attemptsMade, HandlingOutcome outcome) {
		if (!outcome.retryable() || attemptsMade >= this.maxAttempts) {
			return Optional.empty();
		}
		return Optional.of(this.backoff.delay(attemptsMade, () -> ThreadLocalRandom.current().nextDouble()));
	}

}
