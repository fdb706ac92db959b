package dev.scalability.tasks.metrics;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import dev.scalability.tasks.QueueSnapshot;
import dev.scalability.tasks.TaskQueueObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The task queue's meters: {@code scalability.tasks.submitted{queue}},
 * {@code .completed{queue,outcome}}, {@code .depth{queue}} (tasks not finished) and
 * {@code .dead{queue}}.
 */
public class MicrometerTaskQueueObserver implements TaskQueueObserver {

	private final MeterRegistry registry;

	private final Map<String, Counter> submitted = new ConcurrentHashMap<>();

	private final Map<String, Counter> completed = new ConcurrentHashMap<>();

	public MicrometerTaskQueueObserver(MeterRegistry registry) {
		this.registry = registry;
	}

	@Override
	public void submitted(String queue) {
		this.submitted.computeIfAbsent(queue, (name) -> Counter.builder("scalability.tasks.submitted")
			.description("Tasks stored in their queue")
			.tag("queue", name)
			.register(this.registry)).increment();
	}

	@Override
	public void completed(String queue, String outcome) {
		this.completed.computeIfAbsent(queue + '\n' + outcome, (key) -> Counter.builder("scalability.tasks.completed")
			.description("Tries of tasks that ended, by what followed")
			.tag("queue", queue)
			.tag("outcome", outcome)
			.register(this.registry)).increment();
	}

	@Override
	public void queueAdded(String queue, Supplier<QueueSnapshot> snapshot) {
		// The suppliers live nowhere else: a weak reference would lose them to the first GC.
		Gauge.builder("scalability.tasks.depth", snapshot, (counts) -> counts.get().pending())
			.description("Tasks of the queue not finished: waiting, delayed or running")
			.tag("queue", queue)
			.strongReference(true)
			.register(this.registry);
		Gauge.builder("scalability.tasks.dead", snapshot, (counts) -> counts.get().dead())
			.description("Dead letters of the queue")
			.tag("queue", queue)
			.strongReference(true)
			.register(this.registry);
	}

}
