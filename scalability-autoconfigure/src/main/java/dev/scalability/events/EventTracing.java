package dev.scalability.events;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;

import dev.scalability.delivery.HandlingOutcome;

/**
 * Carries the publisher's trace to the listeners: a publish writes the current trace into
 * the event's headers, and a listener's handling continues it from them. Every backend
 * calls it the same way, so traces cross instances with the headers.
 */
public interface EventTracing {

	/**
	 * Traces nothing.
	 */
	EventTracing NONE = new EventTracing() {

		@Override
		public String publish(String topic, Map<String, String> headers, Function<Map<String, String>, String> store) {
			return store.apply(headers);
		}

		@Override
		public HandlingOutcome handle(Subscription subscription, Event event, Supplier<HandlingOutcome> handler) {
			return handler.get();
		}

	};

	/**
	 * Publishes within a trace.
	 * @param topic the topic
	 * @param headers the event's own headers
	 * @param store stores the event with the headers given, returning its id
	 * @return the event's id
	 */
	String publish(String topic, Map<String, String> headers, Function<Map<String, String>, String> store);

	/**
	 * Publishes within a trace without waiting for the event to be stored: the trace's
	 * publish ends when it is.
	 * @param topic the topic
	 * @param headers the event's own headers
	 * @param store sends the event with the headers given, returning its id to come
	 * @return the event's id to come
	 */
	default CompletableFuture<String> publishAsync(String topic, Map<String, String> headers,
			Function<Map<String, String>, CompletableFuture<String>> store) {
		return store.apply(headers);
	}

	/**
	 * Handles an event within the trace its headers carry.
	 * @param subscription the listener
	 * @param event the event
	 * @param handler calls the listener
	 * @return what the listener did
	 */
	HandlingOutcome handle(Subscription subscription, Event event, Supplier<HandlingOutcome> handler);

}
