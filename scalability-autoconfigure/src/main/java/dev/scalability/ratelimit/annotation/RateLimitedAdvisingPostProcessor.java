package dev.scalability.ratelimit.annotation;

import org.springframework.aop.MethodMatcher;
import org.springframework.aop.Pointcut;
import org.springframework.aop.framework.autoproxy.AbstractBeanFactoryAwareAdvisingPostProcessor;
import org.springframework.aop.support.AopUtils;
import org.springframework.aop.support.ComposablePointcut;
import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.aop.support.annotation.AnnotationMatchingPointcut;
import org.springframework.util.ReflectionUtils;

/**
 * Proxies beans that have {@link RateLimited} methods (or classes) and compiles their
 * limits as soon as the bean exists, so that configuration mistakes surface at start-up.
 */
public class RateLimitedAdvisingPostProcessor extends AbstractBeanFactoryAwareAdvisingPostProcessor {

	private final RateLimitedMethodInterceptor interceptor;

	private final Pointcut pointcut;

	public RateLimitedAdvisingPostProcessor(RateLimitedMethodInterceptor interceptor) {
		this.interceptor = interceptor;
		this.pointcut = new ComposablePointcut(AnnotationMatchingPointcut.forMethodAnnotation(RateLimited.class))
			.union(new AnnotationMatchingPointcut(RateLimited.class, true));
		this.advisor = new DefaultPointcutAdvisor(this.pointcut, interceptor);
		setBeforeExistingAdvisors(true);
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		Object result = super.postProcessAfterInitialization(bean, beanName);
		Class<?> targetClass = AopUtils.getTargetClass(bean);
		if (AopUtils.canApply(this.pointcut, targetClass)) {
			MethodMatcher matcher = this.pointcut.getMethodMatcher();
			ReflectionUtils.doWithMethods(targetClass, this.interceptor::limitOf,
					(method) -> ReflectionUtils.USER_DECLARED_METHODS.matches(method)
							&& matcher.matches(method, targetClass));
		}
		return result;
	}

}
