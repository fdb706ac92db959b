package dev.scalability.delivery;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Type;

import org.springframework.util.ReflectionUtils;

/**
 * Calls a handler method with a payload read as the method's one parameter, and captures
 * what came of it, so that whoever delivers decides on acknowledgement, retry or dead
 * letter without ever seeing an exception escape.
 */
public final class HandlerInvoker {

	private final Object target;

	private final Method method;

	private final Type payloadType;

	private final PayloadCodec codec;

	private HandlerInvoker(Object target, Method method, PayloadCodec codec) {
		this.target = target;
		this.method = method;
		this.payloadType = method.getGenericParameterTypes()[0];
		this.codec = codec;
	}

	/**
	 * Checks a handler method and prepares its calls.
	 * @param target the bean the method is called on; {@code null} for a static method
	 * @param method the method: exactly one parameter, the payload
	 * @param codec reads payloads
	 * @return the invoker
	 * @throws IllegalArgumentException when the method cannot be a handler, saying why
	 */
	public static HandlerInvoker of(Object target, Method method, PayloadCodec codec) {
		if (method.getParameterCount() != 1) {
			throw new IllegalArgumentException("a handler method takes exactly one parameter, the payload (of any "
					+ "type its JSON can be read as); " + method.getName() + " takes " + method.getParameterCount());
		}
		ReflectionUtils.makeAccessible(method);
		return new HandlerInvoker(target, method, codec);
	}

	/**
	 * The type payloads are read as.
	 * @return the parameter's type, generics included
	 */
	public Type payloadType() {
		return this.payloadType;
	}

	/**
	 * Whether the method returns something, which answers a request.
	 * @return whether its return type is not void
	 */
	public boolean returnsValue() {
		return this.method.getReturnType() != void.class && this.method.getReturnType() != Void.class;
	}

	/**
	 * Reads the payload and calls the method.
	 * @param payload the payload's text
	 * @return the result, or the failure: a payload that cannot be read is a failure no
	 * retry mends
	 */
	public HandlingOutcome invoke(String payload) {
		Object argument;
		try {
			argument = this.codec.read(payload, this.payloadType);
		}
		catch (RuntimeException ex) {
			return HandlingOutcome.permanentFailure(ex);
		}
		try {
			return HandlingOutcome.success(this.method.invoke(this.target, argument));
		}
		catch (InvocationTargetException ex) {
			return HandlingOutcome.failure(ex.getCause());
		}
		catch (IllegalAccessException | IllegalArgumentException ex) {
			return HandlingOutcome.permanentFailure(ex);
		}
	}

	@Override
	public String toString() {
		return this.method.getDeclaringClass().getName() + "." + this.method.getName() + "("
				+ this.payloadType.getTypeName() + ")";
	}

}
