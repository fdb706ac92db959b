package dev.scalability.delivery;

import java.time.Instant;

/**
 * A message its handler failed on too often, or could not read: kept with its last error
 * until someone re-drives or forgets it.
 *
 * @param id the message's id
 * @param source where it was delivered from: a topic, a queue
 * @param handler who failed on it: a listener group, a task type
 * @param attempts how often it was tried
 * @param error the last failure, as {@link FailureDescription} writes it
 * @param failedAt when it was given up on
 */
public record DeadLetter(String id, String source, String handler, int attempts, String error, Instant failedAt) {

	/**
	 * A dead letter for a failure.
	 * @param id the message's id
	 * @param source where it was delivered from
	 * @param handler who failed on it
	 * @param attempts how often it was tried
	 * @param failure the last failure
	 * @param failedAt when
	 * @return the dead letter
	 */
	public static DeadLetter of(String id, String source, String handler, int attempts, Throwable failure,
			Instant failedAt) {
		return new DeadLetter(id, source, handler, attempts, FailureDescription.of(failure), failedAt);
	}

}
