package dev.scalability.events.metrics;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

import dev.scalability.events.DeliveryVerdict;
import dev.scalability.events.EventBusObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The bus's metrics: {@code scalability.events.published{topic}},
 * {@code scalability.events.handled{topic,group,outcome}} (outcome {@code success},
 * {@code retry} or {@code dead-letter}),
 * {@code scalability.events.dead-letters.forgotten{topic}} (dead letters dropped for
 * newer ones, beyond the retention) and the gauge
 * {@code scalability.events.lag{topic,group}}, events a group has not been given yet.
 * Meters are kept once made, so that recording costs one map lookup.
 */
public class MicrometerEventBusObserver implements EventBusObserver {

	private final MeterRegistry registry;

	private final Map<String, Counter> published = new ConcurrentHashMap<>();

	private final Map<HandledKey, Counter> handled = new ConcurrentHashMap<>();

	private final Map<String, Counter> forgotten = new ConcurrentHashMap<>();

	public MicrometerEventBusObserver(MeterRegistry registry) {
		this.registry = registry;
	}

	@Override
	public void published(String topic) {
		this.published.computeIfAbsent(topic, (name) -> Counter.builder("scalability.events.published")
			.description("Events stored for their topic")
			.tag("topic", name)
			.register(this.registry)).increment();
	}

	@Override
	public void handled(String topic, String group, DeliveryVerdict.Kind verdict, long nanos) {
		this.handled.computeIfAbsent(new HandledKey(topic, group, verdict), (key) -> Counter
			.builder("scalability.events.handled")
			.description("Events handed to a listener group, by what followed")
			.tag("topic", key.topic())
			.tag("group", key.group())
			.tag("outcome", key.verdict().outcome())
			.register(this.registry)).increment();
	}

	@Override
	public void deadLettersForgotten(String topic, long count) {
		this.forgotten.computeIfAbsent(topic, (name) -> Counter.builder("scalability.events.dead-letters.forgotten")
			.description("Dead letters dropped to keep the newer ones within the retention")
			.tag("topic", name)
			.register(this.registry)).increment(count);
	}

	@Override
	public void groupAdded(String topic, String group, LongSupplier lag) {
		Gauge.builder("scalability.events.lag", lag, LongSupplier::getAsLong)
			.description("Events of the topic the group has not been given yet")
			.tag("topic", topic)
			.tag("group", group)
			// The supplier lives nowhere else: a weak reference would lose it to the first GC.
			.strongReference(true)
			.register(this.registry);
	}

	private record HandledKey(String topic, String group, DeliveryVerdict.Kind verdict) {

	}

}
