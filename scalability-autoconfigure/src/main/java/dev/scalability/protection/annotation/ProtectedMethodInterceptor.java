package dev.scalability.protection.annotation;

import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import dev.scalability.protection.ProtectionPolicy;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;

import org.springframework.aop.support.AopUtils;
import org.springframework.util.ClassUtils;

/**
 * Runs {@code @Protected} methods under their policy, and answers with their fallback
 * when the call fails or is refused.
 */
final class ProtectedMethodInterceptor implements MethodInterceptor {

	/**
	 * The protected methods of each bean class, checked when the bean was made.
	 */
	private final Map<Class<?>, Map<Method, ProtectedMethods.Target>> targets = new ConcurrentHashMap<>();

	private final Function<String, ProtectionPolicy> policies;

	ProtectedMethodInterceptor(Function<String, ProtectionPolicy> policies) {
		this.policies = policies;
	}

	void register(Class<?> type, Map<Method, ProtectedMethods.Target> methods) {
		this.targets.put(ClassUtils.getUserClass(type), methods);
	}

	@Override
	public Object invoke(MethodInvocation invocation) throws Throwable {
		Object bean = invocation.getThis();
		Class<?> type = (bean != null) ? ClassUtils.getUserClass(bean) : invocation.getMethod().getDeclaringClass();
		Map<Method, ProtectedMethods.Target> methods = this.targets.get(type);
		if (methods == null) {
			return invocation.proceed();
		}
		ProtectedMethods.Target target = methods.get(AopUtils.getMostSpecificMethod(invocation.getMethod(), type));
		if (target == null) {
			return invocation.proceed();
		}
		ProtectionPolicy policy = this.policies.apply(target.policy());
		try {
			return policy.execute(invocation::proceed);
		}
		catch (Throwable ex) {
			if (target.fallback() == null || !target.fallback().handles(ex)) {
				throw ex;
			}
			policy.fellBack(ex);
			return target.fallback().answer(bean, invocation.getArguments(), ex);
		}
	}

}
