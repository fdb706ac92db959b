package dev.scalability.tasks.annotation;

import java.lang.reflect.Method;

/**
 * A {@link TaskHandler} method that cannot run tasks: the application does not start.
 */
public class InvalidTaskHandlerException extends RuntimeException {

	private final String beanName;

	private final String method;

	private final String reason;

	/**
	 * Creates an exception.
	 * @param beanName the bean
	 * @param method the method
	 * @param reason what is wrong with it
	 */
	public InvalidTaskHandlerException(String beanName, Method method, String reason) {
		super("@TaskHandler method " + describe(method) + " of bean '" + beanName + "' cannot run tasks: " + reason);
		this.beanName = beanName;
		this.method = describe(method);
		this.reason = reason;
	}

	public String getBeanName() {
		return this.beanName;
	}

	public String getMethod() {
		return this.method;
	}

	public String getReason() {
		return this.reason;
	}

	private static String describe(Method method) {
		StringBuilder text = new StringBuilder(method.getDeclaringClass().getName()).append('.')
			.append(method.getName())
			.append('(');
		Class<?>[] parameters = method.getParameterTypes();
		for (int i = 0; i < parameters.length; i++) {
			text.append((i > 0) ? ", " : "").append(parameters[i].getSimpleName());
		}
		return text.append(')').toString();
	}

}
