package dev.scalability.requestqueue.web;

import java.time.Duration;

import dev.scalability.requestqueue.Priority;

/**
 * What the queue does with the requests of a route.
 *
 * @param priority their priority
 * @param timeout their deadline; {@code null} for the queue's default
 */
public record QueueRoute(Priority priority, Duration timeout) {

}
