package dev.scalability.events.annotation;

import java.lang.reflect.Method;
import java.util.function.Supplier;

import dev.scalability.delivery.HandlerInvoker;
import dev.scalability.delivery.PayloadCodec;
import dev.scalability.delivery.annotation.AnnotatedHandlerRegistrar;
import dev.scalability.delivery.annotation.InvalidHandlerMethodException;
import dev.scalability.events.EventBusBackend;
import dev.scalability.events.Subscription;

/**
 * Finds the {@link EventBusListener} methods of each bean as it is created, checks them,
 * and subscribes them to the bus at once, so that their groups get every event published
 * from then on, and a method that cannot listen stops the start-up with its name.
 */
public class EventBusListenerRegistrar extends AnnotatedHandlerRegistrar<EventBusListener> {

	private final Supplier<EventBusBackend> bus;

	/**
	 * Creates the registrar.
	 * @param bus the bus, looked up when the first listener is found
	 * @param codec reads payloads, looked up likewise
	 */
	public EventBusListenerRegistrar(Supplier<EventBusBackend> bus, Supplier<PayloadCodec> codec) {
		super(EventBusListener.class, codec);
		this.bus = bus;
	}

	@Override
	protected void register(Object bean, String beanName, Method method, EventBusListener listener) {
		String topic = resolve(listener.topic());
		if (topic == null || topic.isBlank()) {
			throw invalid(beanName, method, "its topic is blank");
		}
		if (listener.concurrency() < 1) {
			throw invalid(beanName, method, "its concurrency is " + listener.concurrency() + "; it must be at least 1");
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
			throw invalid(beanName, method, ex.getMessage());
		}
	}

	@Override
	protected InvalidHandlerMethodException invalid(String beanName, Method method, String reason) {
		return new InvalidEventListenerException(beanName, method, reason);
	}

}
