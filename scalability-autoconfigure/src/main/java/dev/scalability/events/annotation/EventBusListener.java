package dev.scalability.events.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Makes a bean method a listener of a topic. The method takes one parameter, the event's
 * payload, read from JSON as the parameter's declared type; a non-null value it returns
 * answers a {@code request}. A method that throws is tried again with backoff, and after
 * {@code scalability.events.max-attempts} tries the event is a dead letter of its group.
 * Bad methods stop the start-up, naming the bean and the method.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface EventBusListener {

	/**
	 * The topic, such as {@code orders.created}; {@code ${...}} placeholders are resolved.
	 * @return the topic
	 */
	String topic();

	/**
	 * The group: every group gets every event of the topic, and within a group, on every
	 * instance, each event goes to one listener. By default a group of its own,
	 * {@code <beanName>.<methodName>}.
	 * @return the group
	 */
	String group() default "";

	/**
	 * How many events this method handles at once on this instance.
	 * @return the number of handler threads, at least 1
	 */
	int concurrency() default 1;

}
