package dev.scalability.tasks;

import java.time.Instant;

/**
 * A task as it is now.
 *
 * @param id its id
 * @param type its type
 * @param queue its queue
 * @param state where it is
 * @param priority its priority
 * @param attempts the tries made so far
 * @param lastError the error of its last failed try, or {@code null}
 * @param submittedAt when it was submitted
 * @param updatedAt when its state last changed
 * @param idempotencyKey its idempotency key, or {@code null}
 * @param duplicateSubmits how many later submits with its idempotency key returned it
 * instead of a task of their own
 */
public record TaskStatus(String id, String type, String queue, TaskState state, TaskPriority priority, int attempts,
		String lastError, Instant submittedAt, Instant updatedAt, String idempotencyKey, int duplicateSubmits) {

}
