package dev.scalability.events.annotation;

import java.lang.reflect.Method;

/**
 * A method annotated with {@link EventBusListener} cannot listen: thrown at start-up, with
 * the bean, the method and the reason.
 */
public class InvalidEventListenerException extends RuntimeException {

	private final String beanName;

	private final String method;

	private final String reason;

	/**
	 * Creates an exception.
	 * @param beanName the bean
	 * @param method the method
	 * @param reason what is wrong with it
	 */
	public InvalidEventListenerException(String beanName, Method method, String reason) {
		super("@EventBusListener method " + describe(method) + " of bean '" + beanName + "' cannot listen: " + reason);
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
