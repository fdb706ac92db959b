package dev.scalability.events.observation;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;

import dev.scalability.delivery.HandlingOutcome;
import dev.scalability.events.Event;
import dev.scalability.events.EventTracing;
import dev.scalability.events.Subscription;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.transport.ReceiverContext;
import io.micrometer.observation.transport.SenderContext;

/**
 * Traces the bus with Micrometer Observation: {@code scalability.events.publish} around a
 * publish, whose tracing handler writes the trace into the event's headers, and
 * {@code scalability.events.process} around each handling, which continues the trace read
 * back from them. Both carry the topic (and group) as low-cardinality keys.
 */
public class ObservationEventTracing implements EventTracing {

	private final ObservationRegistry registry;

	public ObservationEventTracing(ObservationRegistry registry) {
		this.registry = registry;
	}

	@Override
	public String publish(String topic, Map<String, String> headers, Function<Map<String, String>, String> store) {
		Map<String, String> carrier = new LinkedHashMap<>(headers);
		SenderContext<Map<String, String>> context = new SenderContext<>(Map::put);
		context.setCarrier(carrier);
		return Observation.createNotStarted("scalability.events.publish", () -> context, this.registry)
			.contextualName(topic + " publish")
			.lowCardinalityKeyValue("topic", topic)
			.observe(() -> store.apply(carrier));
	}

	@Override
	public CompletableFuture<String> publishAsync(String topic, Map<String, String> headers,
			Function<Map<String, String>, CompletableFuture<String>> store) {
		Map<String, String> carrier = new LinkedHashMap<>(headers);
		SenderContext<Map<String, String>> context = new SenderContext<>(Map::put);
		context.setCarrier(carrier);
		Observation observation = Observation.createNotStarted("scalability.events.publish", () -> context, this.registry)
			.contextualName(topic + " publish")
			.lowCardinalityKeyValue("topic", topic)
			.start();
		CompletableFuture<String> stored;
		try (Observation.Scope scope = observation.openScope()) {
			stored = store.apply(carrier);
		}
		catch (RuntimeException ex) {
			observation.error(ex);
			observation.stop();
			throw ex;
		}
		return stored.whenComplete((id, failure) -> {
			if (failure != null) {
				observation.error(failure);
			}
			observation.stop();
		});
	}

	@Override
	public HandlingOutcome handle(Subscription subscription, Event event, Supplier<HandlingOutcome> handler) {
		ReceiverContext<Event> context = new ReceiverContext<>(Event::header);
		context.setCarrier(event);
		Observation observation = Observation
			.createNotStarted("scalability.events.process", () -> context, this.registry)
			.contextualName(subscription.topic() + " process")
			.lowCardinalityKeyValue("topic", subscription.topic())
			.lowCardinalityKeyValue("group", subscription.group())
			.highCardinalityKeyValue("event.id", event.id())
			.start();
		try (Observation.Scope scope = observation.openScope()) {
			HandlingOutcome outcome = handler.get();
			observation.lowCardinalityKeyValue("outcome", outcome.succeeded() ? "success" : "failure");
			if (!outcome.succeeded()) {
				observation.error(outcome.failure());
			}
			return outcome;
		}
		finally {
			observation.stop();
		}
	}

}
