package dev.scalability.events.annotation;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Map;
import java.util.function.Supplier;

import dev.scalability.delivery.HandlerInvoker;
import dev.scalability.delivery.PayloadCodec;
import dev.scalability.events.EventBusBackend;
import dev.scalability.events.Subscription;

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
 * Finds the {@link EventBusListener} methods of each bean as it is created, checks them,
 * and subscribes them to the bus at once, so that their groups get every event published
 * from then on, and a method that cannot listen stops the start-up with its name.
 */
public class EventBusListenerRegistrar implements BeanPostProcessor, BeanFactoryAware {

	private final Supplier<EventBusBackend> bus;

	private final Supplier<PayloadCodec> codec;

	private ConfigurableListableBeanFactory beanFactory;

	/**
	 * Creates the registrar.
	 * @param bus the bus, looked up when the first listener is found
	 * @param codec reads payloads, looked up likewise
	 */
	public EventBusListenerRegistrar(Supplier<EventBusBackend> bus, Supplier<PayloadCodec> codec) {
		this.bus = bus;
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
		if (!AnnotationUtils.isCandidateClass(targetClass, EventBusListener.class)) {
			return bean;
		}
		Map<Method, EventBusListener> listeners = MethodIntrospector.selectMethods(targetClass,
				(MethodIntrospector.MetadataLookup<EventBusListener>) (method) -> AnnotatedElementUtils
					.findMergedAnnotation(method, EventBusListener.class));
		listeners.forEach((method, listener) -> subscribe(bean, beanName, method, listener));
		return bean;
	}

	private void subscribe(Object bean, String beanName, Method method, EventBusListener listener) {
		if (this.beanFactory != null && this.beanFactory.containsBeanDefinition(beanName)
				&& !this.beanFactory.getBeanDefinition(beanName).isSingleton()) {
			throw new InvalidEventListenerException(beanName, method,
					"its bean is not a singleton, and each of its instances would listen in the same group");
		}
		String topic = resolve(listener.topic());
		if (topic == null || topic.isBlank()) {
			throw new InvalidEventListenerException(beanName, method, "its topic is blank");
		}
		if (listener.concurrency() < 1) {
			throw new InvalidEventListenerException(beanName, method,
					"its concurrency is " + listener.concurrency() + "; it must be at least 1");
		}
		String group = resolve(listener.group());
		if (group == null || group.isBlank()) {
			group = beanName + "." + method.getName();
		}
		HandlerInvoker invoker = invoker(bean, beanName, method);
		String description = beanName + "." + method.getName();
		try {
			this.bus.get()
				.subscribe(new Subscription(topic, group, listener.concurrency(),
						(event) -> invoker.invoke(event.payload()), description));
		}
		catch (IllegalStateException | IllegalArgumentException ex) {
			throw new InvalidEventListenerException(beanName, method, ex.getMessage());
		}
	}

	private HandlerInvoker invoker(Object bean, String beanName, Method method) {
		Method invocable;
		try {
			invocable = AopUtils.selectInvocableMethod(method, bean.getClass());
		}
		catch (IllegalStateException ex) {
			throw new InvalidEventListenerException(beanName, method,
					"it cannot be called through the bean's proxy: " + ex.getMessage());
		}
		try {
			return HandlerInvoker.of(Modifier.isStatic(invocable.getModifiers()) ? null : bean, invocable,
					this.codec.get());
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidEventListenerException(beanName, method, ex.getMessage());
		}
	}

	private String resolve(String value) {
		return (this.beanFactory != null) ? this.beanFactory.resolveEmbeddedValue(value) : value;
	}

}
