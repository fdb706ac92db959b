package dev.scalability.protection.annotation;

import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import dev.scalability.protection.ProtectionPolicy;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;

import org.springframework.aop.support.AopUtils;

/**
 * Runs {@code @Protected} methods under their policy, and answers with their fallback
 * when the call fails or is refused, unless the policy leaves the failure alone.
 */
final class ProtectedMethodInterceptor implements MethodInterceptor {

	/**
	 * The protected methods of each bean class, checked when its first bean was made.
	 */
	private final Map<Class<?>, Map<ProtectedMethods.MethodKey, ProtectedMethods.Target>> targets = new ConcurrentHashMap<>();

	private final Function<String, ProtectionPolicy> policies;

	ProtectedMethodInterceptor(Function<String, ProtectionPolicy> policies) {
		this.policies = policies;
	}

	/**
	 * The protected methods of a class, checked once per class.
	 * @param type the bean's class
	 * @param inspect checks them
	 * @return them, by signature; empty when there are none
	 */
	Map<ProtectedMethods.MethodKey, ProtectedMethods.Target> register(Class<?> type,
			Function<Class<?>, Map<ProtectedMethods.MethodKey, ProtectedMethods.Target>> inspect) {
		return this.targets.computeIfAbsent(type, inspect);
	}

	boolean protects(Method method, Class<?> type) {
		Map<ProtectedMethods.MethodKey, ProtectedMethods.Target> methods = this.targets.get(type);
		return methods != null && !methods.isEmpty()
				&& methods.containsKey(ProtectedMethods.MethodKey.of(AopUtils.getMostSpecificMethod(method, type)));
	}

	@Override
	public Object invoke(MethodInvocation invocation) throws Throwable {
		Object bean = invocation.getThis();
		Class<?> type = (bean != null) ? AopUtils.getTargetClass(bean) : invocation.getMethod().getDeclaringClass();
		Map<ProtectedMethods.MethodKey, ProtectedMethods.Target> methods = this.targets.get(type);
		ProtectedMethods.Target target = (methods != null)
				? methods.get(ProtectedMethods.MethodKey.of(invocation.getMethod())) : null;
		if (target == null) {
			return invocation.proceed();
		}
		ProtectionPolicy policy = this.policies.apply(target.policy());
		try {
			return policy.execute(invocation::proceed);
		}
		catch (Throwable ex) {
			Method handler = (target.fallback() != null && !policy.ignores(ex)) ? target.fallback().handlerOf(ex) : null;
			if (handler == null) {
				throw ex;
			}
			policy.fellBack(ex);
			return Fallback.answer(handler, bean, invocation.getArguments(), ex);
		}
	}

}
