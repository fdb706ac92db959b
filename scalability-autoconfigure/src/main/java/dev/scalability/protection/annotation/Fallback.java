package dev.scalability.protection.annotation;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * The fallback of a protected method, resolved at start-up on the bean's class: every
 * method of its name that takes the protected method's parameters, optionally followed by
 * one exception parameter. At a failure, the one whose exception parameter is the closest
 * type of the failure answers; the one without an exception parameter answers the other
 * exceptions (never an {@link Error}).
 */
final class Fallback {

	/**
	 * The handlers that take an exception, the most specific type first.
	 */
	private final List<Method> typed;

	private final Method plain;

	private Fallback(List<Method> typed, Method plain) {
		this.typed = typed;
		this.plain = plain;
		typed.forEach(ReflectionUtils::makeAccessible);
		if (plain != null) {
			ReflectionUtils.makeAccessible(plain);
		}
	}

	/**
	 * Finds the fallback of a protected method.
	 * @param beanClass the bean's class, where the fallback is looked for
	 * @param protectedMethod the protected method
	 * @param name the fallback's name
	 * @return the fallback
	 * @throws IllegalArgumentException with the reason when there is none that fits
	 */
	static Fallback resolve(Class<?> beanClass, Method protectedMethod, String name) {
		Class<?>[] parameters = protectedMethod.getParameterTypes();
		List<Method> typed = new ArrayList<>();
		Method plain = null;
		boolean named = false;
		for (Method candidate : ReflectionUtils.getUniqueDeclaredMethods(beanClass, ReflectionUtils.USER_DECLARED_METHODS)) {
			if (!candidate.getName().equals(name)) {
				continue;
			}
			named = true;
			Class<?>[] types = candidate.getParameterTypes();
			boolean fits = false;
			if (Arrays.equals(types, parameters)) {
				plain = candidate;
				fits = true;
			}
			else if (types.length == parameters.length + 1
					&& Arrays.equals(Arrays.copyOf(types, parameters.length), parameters)
					&& Throwable.class.isAssignableFrom(types[parameters.length])) {
				typed.add(candidate);
				fits = true;
			}
			if (fits) {
				checkReturnType(protectedMethod, candidate, name);
				if (Modifier.isStatic(candidate.getModifiers())) {
					throw new IllegalArgumentException("its fallback '" + name + "' is static");
				}
			}
		}
		if (plain == null && typed.isEmpty()) {
			throw new IllegalArgumentException(named
					? "its fallback '" + name + "' does not take " + describe(parameters)
							+ ", optionally followed by an exception"
					: "its fallback '" + name + "' is not a method of " + beanClass.getName());
		}
		int last = parameters.length;
		typed.sort(Comparator.comparingInt((Method method) -> depth(method.getParameterTypes()[last])).reversed());
		return new Fallback(List.copyOf(typed), plain);
	}

	private static void checkReturnType(Method protectedMethod, Method candidate, String name) {
		Class<?> returned = ClassUtils.resolvePrimitiveIfNecessary(protectedMethod.getReturnType());
		Class<?> answers = ClassUtils.resolvePrimitiveIfNecessary(candidate.getReturnType());
		if (!returned.isAssignableFrom(answers)) {
			throw new IllegalArgumentException("its fallback '" + name + "' returns "
					+ candidate.getReturnType().getSimpleName() + ", not " + protectedMethod.getReturnType().getSimpleName());
		}
	}

	private static int depth(Class<?> type) {
		int depth = 0;
		for (Class<?> current = type; current != null; current = current.getSuperclass()) {
			depth++;
		}
		return depth;
	}

	private static String describe(Class<?>[] parameters) {
		return parameters.length == 0 ? "no parameters"
				: "(" + String.join(", ", Arrays.stream(parameters).map(Class::getSimpleName).toList()) + ")";
	}

	/**
	 * The handler of a failure.
	 * @param failure what the call threw
	 * @return the handler, or {@code null} when none takes it
	 */
	Method handlerOf(Throwable failure) {
		for (Method method : this.typed) {
			if (method.getParameterTypes()[method.getParameterCount() - 1].isInstance(failure)) {
				return method;
			}
		}
		return (this.plain != null && failure instanceof Exception) ? this.plain : null;
	}

	/**
	 * Answers for a failed call.
	 * @param handler the handler of {@link #handlerOf}
	 * @param target the bean
	 * @param arguments the call's arguments
	 * @param failure what it threw
	 * @return the fallback's answer
	 * @throws Throwable what the fallback throws
	 */
	static Object answer(Method handler, Object target, Object[] arguments, Throwable failure) throws Throwable {
		Object[] passed = arguments;
		if (handler.getParameterCount() > arguments.length) {
			passed = Arrays.copyOf(arguments, arguments.length + 1);
			passed[arguments.length] = failure;
		}
		try {
			return handler.invoke(target, passed);
		}
		catch (InvocationTargetException ex) {
			throw ex.getTargetException();
		}
	}

}
