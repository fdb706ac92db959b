package dev.scalability.protection.metrics;

import java.util.concurrent.TimeUnit;

import dev.scalability.protection.ProtectionObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * {@code scalability.protection.calls{policy,outcome}}: protected calls and their time,
 * retries included, by how they ended ({@code success}, {@code failure},
 * {@code rate_limited}, {@code bulkhead_full}, {@code timed_out}, {@code circuit_open});
 * {@code scalability.protection.fallbacks{policy,outcome}}: the calls a fallback answered
 * for. The breakers, bulkheads and retries have Resilience4j's own meters too.
 */
public class MicrometerProtectionObserver implements ProtectionObserver {

	private final MeterRegistry registry;

	/**
	 * The timers by policy and outcome, found once: a registry lookup builds tags and
	 * hashes them on every protected call otherwise.
	 */
	private final java.util.Map<String, java.util.Map<String, Timer>> timers = new java.util.concurrent.ConcurrentHashMap<>();

	public MicrometerProtectionObserver(MeterRegistry registry) {
		this.registry = registry;
	}

	@Override
	public void called(String policy, String outcome, long nanos) {
		this.timers.computeIfAbsent(policy, (name) -> new java.util.concurrent.ConcurrentHashMap<>())
			.computeIfAbsent(outcome, (ended) -> Timer.builder("scalability.protection.calls")
				.description("Calls under a protection policy, by how they ended")
				.tag("policy", policy)
				.tag("outcome", ended)
				.register(this.registry))
			.record(nanos, TimeUnit.NANOSECONDS);
	}

	@Override
	public void fellBack(String policy, String outcome) {
		Counter.builder("scalability.protection.fallbacks")
			.description("Calls a fallback answered for, by how the call ended")
			.tag("policy", policy)
			.tag("outcome", outcome)
			.register(this.registry)
			.increment();
	}

}
