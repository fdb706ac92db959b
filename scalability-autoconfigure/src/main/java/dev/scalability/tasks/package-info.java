/**
 * A durable task queue: tasks submitted by type, run by handlers of their queue on threads
 * of the queue's own, by priority, after their delay, tried again with backoff and kept as
 * dead letters after their last try; free of Spring Boot.
 */
package dev.scalability.tasks;
