package dev.scalability.ratelimit.metrics;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import dev.scalability.ratelimit.RateLimitDecision;
import dev.scalability.ratelimit.RateLimitObserver;
import dev.scalability.ratelimit.RateLimitPolicy;

/**
 * Counts decisions as {@code scalability.ratelimit.decisions{rule, outcome}}: outcome
 * {@code allowed} or {@code rejected} when the backend decided, {@code fallback} when the
 * fail-mode did, {@code error} when no decision could be made. Counters are looked up
 * once per rule, not per request.
 */
public class MicrometerRateLimitObserver implements RateLimitObserver {

	static final String DECISIONS = "scalability.ratelimit.decisions";

	private final MeterRegistry registry;

	private final Map<String, Counters> counters = new ConcurrentHashMap<>();

	public MicrometerRateLimitObserver(MeterRegistry registry) {
		this.registry = registry;
	}

	/**
	 * Registers the counters of a rule up front, so that they show (at zero) before the
	 * first request.
	 * @param policy the rule's policy
	 */
	public void register(RateLimitPolicy policy) {
		counters(policy);
	}

	@Override
	public void decided(RateLimitPolicy policy, RateLimitDecision decision) {
		Counters counters = counters(policy);
		if (decision.source() == RateLimitDecision.Source.FALLBACK) {
			counters.fallback.increment();
		}
		else if (decision.allowed()) {
			counters.allowed.increment();
		}
		else {
			counters.rejected.increment();
		}
	}

	@Override
	public void failed(RateLimitPolicy policy) {
		counters(policy).error.increment();
	}

	private Counters counters(RateLimitPolicy policy) {
		Counters counters = this.counters.get(policy.name());
		return (counters != null) ? counters : this.counters.computeIfAbsent(policy.name(), this::create);
	}

	private Counters create(String rule) {
		return new Counters(counter(rule, "allowed"), counter(rule, "rejected"), counter(rule, "fallback"),
				counter(rule, "error"));
	}

	private Counter counter(String rule, String outcome) {
		return Counter.builder(DECISIONS)
			.description("Rate-limit decisions")
			.tag("rule", rule)
			.tag("outcome", outcome)
			.register(this.registry);
	}

	private record Counters(Counter allowed, Counter rejected, Counter fallback, Counter error) {
	}

}
