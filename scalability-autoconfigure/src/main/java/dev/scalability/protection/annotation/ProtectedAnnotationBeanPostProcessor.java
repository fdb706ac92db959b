package dev.scalability.protection.annotation;

import java.lang.reflect.Method;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;

import dev.scalability.protection.ProtectionPolicy;

import org.springframework.aop.framework.autoproxy.AbstractBeanFactoryAwareAdvisingPostProcessor;
import org.springframework.aop.support.ComposablePointcut;
import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.aop.support.annotation.AnnotationMatchingPointcut;
import org.springframework.aop.support.AopUtils;
import org.springframework.core.annotation.AnnotationUtils;

/**
 * Proxies the beans that have {@code @Protected} methods, after checking each method when
 * the bean is made: a method that cannot be protected stops the start-up, rather than run
 * unprotected.
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
		ComposablePointcut pointcut = new ComposablePointcut(new AnnotationMatchingPointcut(Protected.class, true))
			.union(AnnotationMatchingPointcut.forMethodAnnotation(Protected.class));
		this.advisor = new DefaultPointcutAdvisor(pointcut, this.interceptor);
		// Outside the other advice (transactions, caching): a retry runs the whole call again.
		setBeforeExistingAdvisors(true);
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		Class<?> type = AopUtils.getTargetClass(bean);
		if (AnnotationUtils.isCandidateClass(type, Protected.class)) {
			Map<Method, ProtectedMethods.Target> methods = ProtectedMethods.inspect(beanName, type, this.policyExists);
			if (!methods.isEmpty()) {
				this.interceptor.register(type, methods);
			}
		}
		return super.postProcessAfterInitialization(bean, beanName);
	}

}
