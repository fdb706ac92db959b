package dev.scalability.delivery.annotation;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Map;
import java.util.function.Supplier;

import dev.scalability.delivery.HandlerInvoker;
import dev.scalability.delivery.PayloadCodec;

import org.springframework.aop.support.AopUtils;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.annotation.AnnotationUtils;

/**
 * Finds the methods of the application's beans that carry a handler annotation, as the
 * beans are created, and hands each to its feature with an invoker that reads the payload
 * from JSON as the method's parameter type.
 *
 * @param <A> the annotation
 */
public abstract class AnnotatedHandlerRegistrar<A extends Annotation> implements BeanPostProcessor, BeanFactoryAware {

	private final Class<A> annotationType;

	private final Supplier<PayloadCodec> codec;

	private ConfigurableListableBeanFactory beanFactory;

	/**
	 * Creates a registrar.
	 * @param annotationType the annotation
	 * @param codec reads payloads, looked up when the first method is found
	 */
	protected AnnotatedHandlerRegistrar(Class<A> annotationType, Supplier<PayloadCodec> codec) {
		this.annotationType = annotationType;
		this.codec = codec;
	}

	@Override
	public void setBeanFactory(BeanFactory beanFactory) throws BeansException {
		if (beanFactory instanceof ConfigurableListableBeanFactory configurable) {
			this.beanFactory = configurable;
		}
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		Class<?> targetClass = AopUtils.getTargetClass(bean);
		if (!AnnotationUtils.isCandidateClass(targetClass, this.annotationType)) {
			return bean;
		}
		Map<Method, A> methods = MethodIntrospector.selectMethods(targetClass,
				(MethodIntrospector.MetadataLookup<A>) (method) -> AnnotatedElementUtils.findMergedAnnotation(method,
						this.annotationType));
		methods.forEach((method, annotation) -> {
			if (this.beanFactory != null && this.beanFactory.containsBeanDefinition(beanName)
					&& !this.beanFactory.getBeanDefinition(beanName).isSingleton()) {
				throw invalid(beanName, method, "its bean is not a singleton, and each of its instances would "
						+ "handle the same work");
			}
			register(bean, beanName, method, annotation);
		});
		return bean;
	}

	/**
	 * Hands one method to the feature.
	 * @param bean the bean
	 * @param beanName its name
	 * @param method the annotated method
	 * @param annotation its annotation
	 */
	protected abstract void register(Object bean, String beanName, Method method, A annotation);

	/**
	 * The failure of a method that cannot work.
	 * @param beanName the bean
	 * @param method the method
	 * @param reason what is wrong with it
	 * @return the exception to throw
	 */
	protected abstract InvalidHandlerMethodException invalid(String beanName, Method method, String reason);

	/**
	 * Calls the method through the bean (its proxy, when it has one), the payload read as
	 * the method's parameter type.
	 * @param bean the bean
	 * @param beanName its name
	 * @param method the method
	 * @return the invoker
	 */
	protected HandlerInvoker invoker(Object bean, String beanName, Method method) {
		Method invocable;
		try {
			invocable = AopUtils.selectInvocableMethod(method, bean.getClass());
		}
		catch (IllegalStateException ex) {
			throw invalid(beanName, method, "it cannot be called through the bean's proxy: " + ex.getMessage());
		}
		try {
			return HandlerInvoker.of(Modifier.isStatic(invocable.getModifiers()) ? null : bean, invocable,
					this.codec.get());
		}
		catch (IllegalArgumentException ex) {
			throw invalid(beanName, method, ex.getMessage());
		}
	}

	/**
	 * Resolves {@code ${...}} placeholders.
	 * @param value the annotation's value
	 * @return the value resolved
	 */
	protected String resolve(String value) {
		return (this.beanFactory != null) ? this.beanFactory.resolveEmbeddedValue(value) : value;
	}

}
