package dev.scalability.tasks.annotation;

import java.lang.reflect.Method;
import java.util.function.Supplier;

import dev.scalability.delivery.HandlerInvoker;
import dev.scalability.delivery.PayloadCodec;
import dev.scalability.delivery.annotation.AnnotatedHandlerRegistrar;
import dev.scalability.delivery.annotation.InvalidHandlerMethodException;
import dev.scalability.tasks.TaskQueueBackend;
import dev.scalability.tasks.TaskRegistration;

/**
 * Registers every {@link TaskHandler} method of the application's beans with the task
 * queue, as the beans are created.
 */
public class TaskHandlerRegistrar extends AnnotatedHandlerRegistrar<TaskHandler> {

	private final Supplier<TaskQueueBackend> queue;

	/**
	 * Creates the registrar.
	 * @param queue the task queue, looked up when the first handler is found
	 * @param codec reads payloads, looked up likewise
	 */
	public TaskHandlerRegistrar(Supplier<TaskQueueBackend> queue, Supplier<PayloadCodec> codec) {
		super(TaskHandler.class, codec);
		this.queue = queue;
	}

	@Override
	protected void register(Object bean, String beanName, Method method, TaskHandler handler) {
		String type = resolve(handler.type());
		if (type == null || type.isBlank()) {
			throw invalid(beanName, method, "its type is blank");
		}
		String queueName = resolve(handler.queue());
		if (queueName == null || queueName.isBlank()) {
			throw invalid(beanName, method, "its queue is blank");
		}
		HandlerInvoker invoker = invoker(bean, beanName, method);
		try {
			this.queue.get()
				.register(new TaskRegistration(type, queueName, (task) -> invoker.invoke(task.payload()),
						beanName + "." + method.getName()));
		}
		catch (IllegalStateException | IllegalArgumentException ex) {
			throw invalid(beanName, method, ex.getMessage());
		}
	}

	@Override
	protected InvalidHandlerMethodException invalid(String beanName, Method method, String reason) {
		return new InvalidTaskHandlerException(beanName, method, reason);
	}

}
