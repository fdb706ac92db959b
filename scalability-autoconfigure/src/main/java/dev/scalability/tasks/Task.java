package dev.scalability.tasks;

import java.time.Instant;

/**
 * A task as its handler gets it.
 *
 * @param id its id
 * @param type its type, which names its handler
 * @param queue its queue
 * @param payload its payload, as JSON
 * @param priority its priority
 * @param attempt which try this is, from 1
 * @param submittedAt when it was submitted
 */
public record Task(String id, String type, String queue, String payload, TaskPriority priority, int attempt,
		Instant submittedAt) {

}
