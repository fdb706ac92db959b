package dev.scalability.requestqueue;

/**
 * A request the queue will not serve.
 *
 * @param reason why
 * @param retryAfterSeconds when the client should try again, from how fast the queue is
 * draining; at least 1
 */
public record Refusal(RefusalReason reason, long retryAfterSeconds) implements Admission {

}
