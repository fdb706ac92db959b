package dev.scalability.tasks;

/**
 * How soon a task runs among those of its queue that are ready: higher first, and within
 * one priority the oldest first.
 */
public enum TaskPriority {

	CRITICAL, HIGH, NORMAL, LOW

}
