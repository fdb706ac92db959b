package dev.scalability.delivery.annotation;

import java.lang.reflect.Method;

/**
 * An annotated handler method (an event listener, a task handler) that cannot work: the
 * application does not start.
 */
public class InvalidHandlerMethodException extends RuntimeException {

	private final String beanName;

	private final String method;

	private final String reason;

	/**
	 * Creates an exception.
	 * @param annotation the annotation, such as {@code @TaskHandler}
	 * @param cannot what the method cannot do, such as {@code cannot run tasks}
	 * @param beanName the bean
	 * @param method the method
	 * @param reason what is wrong with it
	 */
	protected InvalidHandlerMethodException(String annotation, String cannot, String beanName, Method method,
			String reason) {
		super(annotation + " method " + describe(method) + " of bean '" + beanName + "' " + cannot + ": " + reason);
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
