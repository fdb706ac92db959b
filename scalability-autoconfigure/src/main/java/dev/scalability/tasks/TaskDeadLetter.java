package dev.scalability.tasks;

import java.time.Instant;

/**
 * A task that failed its last try.
 *
 * @param id the task's id
 * @param type its type
 * @param queue its queue
 * @param attempts the tries it had
 * @param error the error of its last try: messages and the first frames of the stack
 * @param failedAt when it failed for the last time
 */
public record TaskDeadLetter(String id, String type, String queue, int attempts, String error, Instant failedAt) {

}
