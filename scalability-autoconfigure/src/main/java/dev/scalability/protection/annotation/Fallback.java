package dev.scalability.protection.annotation;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Arrays;

import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * A fallback method, resolved at start-up: the protected method's parameters, optionally
 * followed by an exception it answers for.
 */
final class Fallback {

	private final Method method;

	private final Class<? extends Throwable> handles;

	private Fallback(Method method, Class<? extends Throwable> handles) {
		this.method = method;
		this.handles = handles;
		ReflectionUtils.makeAccessible(method);
	}

	/**
	 * Finds the fallback of a protected method.
	 * @param protectedMethod the protected method
	 * @param name the fallback's name
	 * @return the fallback
	 * @throws IllegalArgumentException with the reason when there is none that fits
	 */
	@SuppressWarnings("unchecked")
	static Fallback resolve(Method protectedMethod, String name) {
		Class<?>[] parameters = protectedMethod.getParameterTypes();
		Method withException = null;
		Method plain = null;
		boolean named = false;
		for (Method candidate : ReflectionUtils.getUniqueDeclaredMethods(protectedMethod.getDeclaringClass())) {
			if (!candidate.getName().equals(name)) {
				continue;
			}
			named = true;
			Class<?>[] types = candidate.getParameterTypes();
			if (Arrays.equals(types, parameters)) {
				plain = candidate;
			}
			else if (types.length == parameters.length + 1
					&& Arrays.equals(Arrays.copyOf(types, parameters.length), parameters)
					&& Throwable.class.isAssignableFrom(types[parameters.length])) {
				withException = candidate;
			}
		}
		Method found = (withException != null) ? withException : plain;
		if (found == null) {
			throw new IllegalArgumentException(named
					? "its fallback '" + name + "' does not take " + describe(parameters)
							+ ", optionally followed by an exception"
					: "its fallback '" + name + "' is not a method of " + protectedMethod.getDeclaringClass().getName());
		}
		Class<?> returned = ClassUtils.resolvePrimitiveIfNecessary(protectedMethod.getReturnType());
		if (!ClassUtils.resolvePrimitiveIfNecessary(found.getReturnType()).equals(returned)
				&& !returned.isAssignableFrom(ClassUtils.resolvePrimitiveIfNecessary(found.getReturnType()))) {
			throw new IllegalArgumentException("its fallback '" + name + "' returns "
					+ found.getReturnType().getSimpleName() + ", not " + protectedMethod.getReturnType().getSimpleName());
		}
		if (java.lang.reflect.Modifier.isStatic(found.getModifiers())) {
			throw new IllegalArgumentException("its fallback '" + name + "' is static");
		}
		Class<? extends Throwable> handles = (found == withException)
				? (Class<? extends Throwable>) found.getParameterTypes()[parameters.length] : Throwable.class;
		return new Fallback(found, handles);
	}

	private static String describe(Class<?>[] parameters) {
		return parameters.length == 0 ? "no parameters"
				: "(" + String.join(", ", Arrays.stream(parameters).map(Class::getSimpleName).toList()) + ")";
	}

	boolean handles(Throwable failure) {
		return this.handles.isInstance(failure);
	}

	/**
	 * Answers for a failed call.
	 * @param target the bean
	 * @param arguments the call's arguments
	 * @param failure what it threw
	 * @return the fallback's answer
	 * @throws Throwable what the fallback throws
	 */
	Object answer(Object target, Object[] arguments, Throwable failure) throws Throwable {
		Object[] passed = arguments;
		if (this.method.getParameterCount() > arguments.length) {
			passed = Arrays.copyOf(arguments, arguments.length + 1);
			passed[arguments.length] = failure;
		}
		try {
			return this.method.invoke(target, passed);
		}
		catch (InvocationTargetException ex) {
			throw ex.getTargetException();
		}
	}

}
