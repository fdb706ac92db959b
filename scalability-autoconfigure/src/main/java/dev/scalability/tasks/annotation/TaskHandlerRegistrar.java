package dev.scalability.tasks.annotation;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Map;
import java.util.function.Supplier;

import dev.scalability.delivery.HandlerInvoker;
import dev.scalability.delivery.PayloadCodec;
import dev.scalability.tasks.TaskQueueBackend;
import dev.scalability.tasks.TaskRegistration;

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
 * Registers every {@link TaskHandler} method of the application's beans with the task
 * queue, as the beans are created.
 */
public class TaskHandlerRegistrar implements BeanPostProcessor, BeanFactoryAware {

	private final Supplier<TaskQueueBackend> queue;

	private final Supplier<PayloadCodec> codec;

	private ConfigurableListableBeanFactory beanFactory;

	/**
	 * Creates the registrar.
	 * @param queue the task queue, looked up when the first handler is found
	 * @param codec reads payloads, looked up likewise
	 */
	public TaskHandlerRegistrar(Supplier<TaskQueueBackend> queue, Supplier<PayloadCodec> codec) {
		this.queue = queue;
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
		if (!AnnotationUtils.isCandidateClass(targetClass, TaskHandler.class)) {
			return bean;
		}
		Map<Method, TaskHandler> handlers = MethodIntrospector.selectMethods(targetClass,
				(MethodIntrospector.MetadataLookup<TaskHandler>) (method) -> AnnotatedElementUtils
					.findMergedAnnotation(method, TaskHandler.class));
		handlers.forEach((method, handler) -> register(bean, beanName, method, handler));
		return bean;
	}

	private void register(Object bean, String beanName, Method method, TaskHandler handler) {
		if (this.beanFactory != null && this.beanFactory.containsBeanDefinition(beanName)
				&& !this.beanFactory.getBeanDefinition(beanName).isSingleton()) {
			throw new InvalidTaskHandlerException(beanName, method,
					"its bean is not a singleton, and each of its instances would claim the same type");
		}
		String type = resolve(handler.type());
		if (type == null || type.isBlank()) {
			throw new InvalidTaskHandlerException(beanName, method, "its type is blank");
		}
		String queue = resolve(handler.queue());
		if (queue == null || queue.isBlank()) {
			throw new InvalidTaskHandlerException(beanName, method, "its queue is blank");
		}
		HandlerInvoker invoker = invoker(bean, beanName, method);
		try {
			this.queue.get()
				.register(new TaskRegistration(type, queue, (task) -> invoker.invoke(task.payload()),
						beanName + "." + method.getName()));
		}
		catch (IllegalStateException | IllegalArgumentException ex) {
			throw new InvalidTaskHandlerException(beanName, method, ex.getMessage());
		}
	}

	private HandlerInvoker invoker(Object bean, String beanName, Method method) {
		Method invocable;
		try {
			invocable = AopUtils.selectInvocableMethod(method, bean.getClass());
		}
		catch (IllegalStateException ex) {
			throw new InvalidTaskHandlerException(beanName, method,
					"it cannot be called through the bean's proxy: " + ex.getMessage());
		}
		try {
			return HandlerInvoker.of(Modifier.isStatic(invocable.getModifiers()) ? null : bean, invocable,
					this.codec.get());
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidTaskHandlerException(beanName, method, ex.getMessage());
		}
	}

	private String resolve(String value) {
		return (this.beanFactory != null) ? this.beanFactory.resolveEmbeddedValue(value) : value;
	}

}
