package dev.scalability.tasks.annotation;

import java.lang.reflect.Method;

import dev.scalability.delivery.annotation.InvalidHandlerMethodException;

/**
 * A {@link TaskHandler} method that cannot run tasks: the application does not start.
 */
public class InvalidTaskHandlerException extends InvalidHandlerMethodException {

	/**
	 * Creates an exception.
	 * @param beanName the bean
	 * @param method the method
	 * @param reason what is wrong with it
	 */
	public InvalidTaskHandlerException(String beanName, Method method, String reason) {
		super("@TaskHandler", "cannot run tasks", beanName, method, reason);
	}

}
