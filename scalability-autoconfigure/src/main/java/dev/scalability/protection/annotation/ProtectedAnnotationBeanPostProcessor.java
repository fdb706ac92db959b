package dev.scalability.protection.annotation;

import java.lang.reflect.Method;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;

import dev.scalability.protection.ProtectionPolicy;

import org.springframework.aop.Advisor;
import org.springframework.aop.ClassFilter;
import org.springframework.aop.framework.Advised;
import org.springframework.aop.framework.ProxyFactory;
import org.springframework.aop.framework.autoproxy.AbstractBeanFactoryAwareAdvisingPostProcessor;
import org.springframework.aop.support.AopUtils;
import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.aop.support.StaticMethodMatcherPointcut;
import org.springframework.core.annotation.AnnotationUtils;

/**
 * Proxies the beans that have {@code @Protected} methods, after checking each method when
 * its class's first bean is made: a method that cannot be protected stops the start-up,
 * rather than run unprotected. The proxy intercepts exactly the methods the check found.
 *
 * <p>On a bean that is a proxy already, the policy goes inside what is there (method
 * security, caching, so that a refused authorization never reaches a fallback and a cache
 * hit costs no permit) and outside its transaction, so that a retry runs a whole new
 * transaction, never the rest of a failed one.
 */
public class ProtectedAnnotationBeanPostProcessor extends AbstractBeanFactoryAwareAdvisingPostProcessor {

	private final transient ProtectedMethodInterceptor interceptor;

	private final transient Predicate<String> policyExists;

	/**
	 * Creates the post-processor.
	 * @param policies the policies by name
	 * @param policyExists whether a policy of a name is configured
	 */
	public ProtectedAnnotationBeanPostProcessor(Function<String, ProtectionPolicy> policies,
			Predicate<String> policyExists) {
		this.interceptor = new ProtectedMethodInterceptor(policies);
		this.policyExists = policyExists;
		StaticMethodMatcherPointcut pointcut = new StaticMethodMatcherPointcut() {

			@Override
			public boolean matches(Method method, Class<?> targetClass) {
				return ProtectedAnnotationBeanPostProcessor.this.interceptor.protects(method, targetClass);
			}

		};
		pointcut.setClassFilter(ClassFilter.TRUE);
		this.advisor = new DefaultPointcutAdvisor(pointcut, this.interceptor);
		// As Spring Boot proxies: by class, so that the bean is still injected by its class.
		setProxyTargetClass(true);
	}

	@Override
	protected ProxyFactory prepareProxyFactory(Object bean, String beanName) {
		ProxyFactory proxyFactory = super.prepareProxyFactory(bean, beanName);
		if (java.lang.reflect.Proxy.isProxyClass(bean.getClass())) {
			// A client made of interfaces only cannot be subclassed: proxied by its interfaces.
			proxyFactory.setProxyTargetClass(false);
			proxyFactory.setInterfaces(bean.getClass().getInterfaces());
		}
		return proxyFactory;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		Class<?> type = AopUtils.getTargetClass(bean);
		if (!AnnotationUtils.isCandidateClass(type, Protected.class)) {
			return bean;
		}
		Map<ProtectedMethods.MethodKey, ProtectedMethods.Target> methods = this.interceptor.register(type,
				(inspected) -> ProtectedMethods.inspect(beanName, inspected, this.policyExists));
		if (methods.isEmpty()) {
			return bean;
		}
		if (bean instanceof Advised advised && !advised.isFrozen() && AopUtils.isAopProxy(bean)) {
			advised.addAdvisor(insideExistingAdvice(advised.getAdvisors()), this.advisor);
			return bean;
		}
		return super.postProcessAfterInitialization(bean, beanName);
	}

	/**
	 * Where the policy goes among the advisors of a proxy: before the first transaction
	 * advisor, else last.
	 */
	private static int insideExistingAdvice(Advisor[] advisors) {
		for (int i = 0; i < advisors.length; i++) {
			if (advisors[i].getAdvice().getClass().getName().startsWith("org.springframework.transaction.")) {
				return i;
			}
		}
		return advisors.length;
	}

}
