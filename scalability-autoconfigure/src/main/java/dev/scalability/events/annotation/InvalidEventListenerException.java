package dev.scalability.events.annotation;

import java.lang.reflect.Method;

import dev.scalability.delivery.annotation.InvalidHandlerMethodException;

/**
 * A method annotated with {@link EventBusListener} cannot listen: thrown at start-up, with
 * the bean, the method and the reason.
 */
public class InvalidEventListenerException extends InvalidHandlerMethodException {

	/**
	 * Creates an exception.
	 * @param beanName the bean
	 * @param method the method
	 * @param reason what is wrong with it
	 */
	public InvalidEventListenerException(String beanName, Method method, String reason) {
		super("@EventBusListener", "cannot listen", beanName, method, reason);
	}

}
