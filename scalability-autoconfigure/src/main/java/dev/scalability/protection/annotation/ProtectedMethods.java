package dev.scalability.protection.annotation;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.asm.ClassReader;
import org.springframework.asm.ClassVisitor;
import org.springframework.asm.MethodVisitor;
import org.springframework.asm.Opcodes;
import org.springframework.asm.Type;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * The {@code @Protected} methods of a bean class, checked at start-up: each can be
 * intercepted, names a policy that exists, and has the fallback it names. Calls between
 * methods of the class, which no proxy sees, are reported.
 */
final class ProtectedMethods {

	private static final Log logger = LogFactory.getLog(ProtectedMethods.class);

	private ProtectedMethods() {
	}

	/**
	 * Finds and checks the protected methods of a class: those annotated (on the method,
	 * an interface or superclass method it implements, or through a composed annotation),
	 * and, for a class annotated itself, the public methods that class declares.
	 * @param beanName the bean's name, for messages
	 * @param type the bean's class
	 * @param policyExists whether a policy of a name is configured
	 * @return the protected methods by signature, each with its policy and fallback
	 * @throws InvalidProtectedMethodException for the first method that cannot be protected
	 */
	static Map<MethodKey, Target> inspect(String beanName, Class<?> type,
			java.util.function.Predicate<String> policyExists) {
		boolean jdkProxy = java.lang.reflect.Proxy.isProxyClass(type);
		Class<?> userType = ClassUtils.getUserClass(type);
		Map<MethodKey, Target> targets = new LinkedHashMap<>();
		Map<Method, Protected> found = new LinkedHashMap<>();
		if (jdkProxy) {
			// A client made of interfaces only (an HTTP exchange, a repository): what its
			// interfaces declare.
			for (Class<?> contract : ClassUtils.getAllInterfacesForClassAsSet(type)) {
				for (Method method : contract.getMethods()) {
					Protected annotation = AnnotatedElementUtils.findMergedAnnotation(method, Protected.class);
					if (annotation != null && !method.isDefault() && !Modifier.isStatic(method.getModifiers())) {
						found.put(method, annotation);
					}
				}
			}
		}
		else {
			Class<?> annotatedType = AnnotationUtils.findAnnotationDeclaringClass(Protected.class, userType);
			Protected onType = (annotatedType != null)
					? AnnotatedElementUtils.findMergedAnnotation(annotatedType, Protected.class) : null;
			for (Method method : ReflectionUtils.getUniqueDeclaredMethods(userType,
					ReflectionUtils.USER_DECLARED_METHODS)) {
				if (method.isBridge() || method.isSynthetic()) {
					continue;
				}
				Protected annotation = AnnotatedElementUtils.findMergedAnnotation(method, Protected.class);
				if (annotation == null && onType != null && method.getDeclaringClass() == annotatedType
						&& Modifier.isPublic(method.getModifiers()) && !Modifier.isStatic(method.getModifiers())
						&& !ReflectionUtils.isObjectMethod(method)) {
					annotation = onType;
				}
				if (annotation != null) {
					found.put(method, annotation);
				}
			}
		}
		for (Map.Entry<Method, Protected> entry : found.entrySet()) {
			Method method = entry.getKey();
			Protected annotation = entry.getValue();
			String name = userType.getSimpleName() + "." + method.getName() + "()";
			int modifiers = method.getModifiers();
			if (!jdkProxy && (Modifier.isPrivate(modifiers) || Modifier.isStatic(modifiers) || Modifier.isFinal(modifiers))) {
				throw new InvalidProtectedMethodException(beanName, name,
						"it is " + (Modifier.isPrivate(modifiers) ? "private" : Modifier.isStatic(modifiers) ? "static"
								: "final") + ", so no proxy can intercept its calls and the policy would never apply",
						"Make it public (or protected or package-private) and neither static nor final, or move it "
								+ "to a bean of its own.");
			}
			if (!policyExists.test(annotation.policy())) {
				throw new InvalidProtectedMethodException(beanName, name,
						"its policy '" + annotation.policy() + "' is not configured",
						"Configure scalability.protection.policies." + annotation.policy()
								+ " (rate-limit, bulkhead, timeout, circuit-breaker, retry), or name a policy that is.");
			}
			Fallback fallback = null;
			if (!annotation.fallback().isEmpty()) {
				try {
					fallback = Fallback.resolve(jdkProxy ? method.getDeclaringClass() : userType, method,
							annotation.fallback());
				}
				catch (IllegalArgumentException ex) {
					throw new InvalidProtectedMethodException(beanName, name, ex.getMessage(),
							"Declare a method named '" + annotation.fallback() + "' in the bean's class, taking the "
									+ "protected method's parameters, optionally followed by the exception it "
									+ "answers for, and returning what the protected method returns.");
				}
			}
			targets.put(MethodKey.of(method), new Target(annotation.policy(), fallback));
		}
		if (!targets.isEmpty() && !jdkProxy) {
			reportSelfCalls(userType, found.keySet(), targets);
		}
		return targets;
	}

	/**
	 * Logs each call of a protected method from another method of its class: such a call
	 * goes to the object itself, not through the proxy, and the policy does not apply.
	 */
	private static void reportSelfCalls(Class<?> type, java.util.Set<Method> methods, Map<MethodKey, Target> targets) {
		Map<String, Method> byDescriptor = new LinkedHashMap<>();
		methods.forEach((method) -> byDescriptor.put(method.getName() + Type.getMethodDescriptor(method), method));
		String owner = Type.getInternalName(type);
		java.util.Set<String> calls = new java.util.LinkedHashSet<>();
		String resource = ClassUtils.convertClassNameToResourcePath(type.getName()) + ClassUtils.CLASS_FILE_SUFFIX;
		ClassLoader loader = (type.getClassLoader() != null) ? type.getClassLoader() : ClassUtils.getDefaultClassLoader();
		try (InputStream bytes = (loader != null) ? loader.getResourceAsStream(resource) : null) {
			if (bytes == null) {
				return;
			}
			new ClassReader(bytes).accept(new ClassVisitor(Opcodes.ASM9) {

				@Override
				public MethodVisitor visitMethod(int access, String caller, String descriptor, String signature,
						String[] exceptions) {
					if ((access & Opcodes.ACC_STATIC) != 0) {
						return null;
					}
					return new MethodVisitor(Opcodes.ASM9) {

						@Override
						public void visitMethodInsn(int opcode, String calledOwner, String called, String calledDescriptor,
								boolean isInterface) {
							Method target = byDescriptor.get(called + calledDescriptor);
							if (target != null && calledOwner.equals(owner) && opcode != Opcodes.INVOKESTATIC) {
								calls.add(type.getSimpleName() + "." + caller + "() calls @Protected "
										+ target.getName() + "() of policy '" + targets.get(MethodKey.of(target)).policy()
										+ "'");
							}
						}

					};
				}

			}, ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
		}
		catch (IOException | RuntimeException ex) {
			logger.debug("Could not look for self-invocations of @Protected methods in " + type.getName(), ex);
			return;
		}
		for (String call : calls) {
			logger.warn(call + " on the same object: the call does not go through the proxy, so the policy does not "
					+ "apply to it. Call the method through the bean (inject it) or move it to another bean.");
		}
	}

	/**
	 * A method by its name and parameters, the same for a class's method, the interface
	 * method it implements and a proxy's.
	 *
	 * @param name the method's name
	 * @param parameters its parameter types
	 */
	record MethodKey(String name, List<Class<?>> parameters) {

		static MethodKey of(Method method) {
			return new MethodKey(method.getName(), List.of(method.getParameterTypes()));
		}

	}

	/**
	 * A protected method's policy and fallback.
	 *
	 * @param policy the policy's name
	 * @param fallback the fallback, or {@code null}
	 */
	record Target(String policy, Fallback fallback) {
	}

}
