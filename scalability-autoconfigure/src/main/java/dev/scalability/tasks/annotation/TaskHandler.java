package dev.scalability.tasks.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Makes a bean method the handler of one type of task: it takes one parameter, the task's
 * payload, read from JSON as that parameter's type, and runs on a handler thread of its
 * queue. A method that throws has its task tried again, with backoff, until its tries are
 * spent; then the task is a dead letter.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface TaskHandler {

	/**
	 * The type of task, such as {@code send-email}; {@code ${...}} placeholders are resolved.
	 * @return the type
	 */
	String type();

	/**
	 * The queue whose handler threads run it ({@code scalability.tasks.queues.<name>.*}).
	 * @return the queue
	 */
	String queue() default "default";

}
