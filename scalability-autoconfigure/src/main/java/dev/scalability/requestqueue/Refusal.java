package dev.scalability.requestqueue;

/**
 * A request the queue will not serve.
 *
 * @param reason why
 * @param retryAfterSeconds when the client should try again, from how fast the queue is
 * draining; 0 when it should not be told to (a request that ran past its deadline may
 * have done its work)
 */
public record Refusal(RefusalReason reason, long retryAfterSeconds) implements Admission {

}
