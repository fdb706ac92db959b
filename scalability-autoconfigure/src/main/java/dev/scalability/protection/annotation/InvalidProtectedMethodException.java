package dev.scalability.protection.annotation;

/**
 * A {@code @Protected} method that cannot be protected as written. Thrown at start-up.
 */
public class InvalidProtectedMethodException extends RuntimeException {

	private final String beanName;

	private final String method;

	private final String reason;

	private final String action;

	public InvalidProtectedMethodException(String beanName, String method, String reason, String action) {
		super("@Protected method " + method + " of bean '" + beanName + "': " + reason);
		this.beanName = beanName;
		this.method = method;
		this.reason = reason;
		this.action = action;
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

	public String getAction() {
		return this.action;
	}

}
