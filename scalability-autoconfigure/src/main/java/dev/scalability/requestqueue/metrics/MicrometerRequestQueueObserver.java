package dev.scalability.requestqueue.metrics;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.scalability.requestqueue.Priority;
import dev.scalability.requestqueue.RefusalReason;
import dev.scalability.requestqueue.RequestQueue;
import dev.scalability.requestqueue.RequestQueueObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The queue's metrics: {@code scalability.requestqueue.wait} (timer, by priority) and
 * {@code .rejected{reason}}; with {@link #bindGauges}, the gauges
 * {@code .pending{priority}}, {@code .running} and {@code .limit}. Meters are created
 * once, so that recording costs no lookup.
 */
public class MicrometerRequestQueueObserver implements RequestQueueObserver {

	private final MeterRegistry registry;

	private final Map<Priority, Timer> waits = new EnumMap<>(Priority.class);

	private final Map<RefusalReason, Counter> rejections = new EnumMap<>(RefusalReason.class);

	public MicrometerRequestQueueObserver(MeterRegistry registry) {
		this.registry = registry;
		for (Priority priority : Priority.values()) {
			this.waits.put(priority, Timer.builder("scalability.requestqueue.wait")
				.description("How long requests waited in the queue before running")
				.tag("priority", priority.value())
				.register(registry));
		}
		for (RefusalReason reason : RefusalReason.values()) {
			this.rejections.put(reason, Counter.builder("scalability.requestqueue.rejected")
				.description("Requests the queue answered with 503, by reason")
				.tag("reason", reason.code())
				.register(registry));
		}
	}

	/**
	 * Registers the gauges of a queue.
	 * @param queue the queue
	 * @param registry where
	 */
	public static void bindGauges(RequestQueue queue, MeterRegistry registry) {
		for (Priority priority : Priority.values()) {
			Gauge.builder("scalability.requestqueue.pending", queue, (q) -> q.pending(priority))
				.description("Requests waiting in the queue")
				.tag("priority", priority.value())
				.register(registry);
		}
		Gauge.builder("scalability.requestqueue.running", queue, RequestQueue::running)
			.description("Requests running within their deadline")
			.register(registry);
		Gauge.builder("scalability.requestqueue.limit", queue, RequestQueue::currentLimit)
			.description("How many requests may run at once")
			.register(registry);
	}

	@Override
	public void admitted(Priority priority, long waitedNanos) {
		this.waits.get(priority).record(waitedNanos, TimeUnit.NANOSECONDS);
	}

	@Override
	public void refused(Priority priority, RefusalReason reason) {
		this.rejections.get(reason).increment();
	}

}
