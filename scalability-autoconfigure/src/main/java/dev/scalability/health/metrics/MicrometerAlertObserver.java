package dev.scalability.health.metrics;

import dev.scalability.health.alerts.AlertEvaluator;
import dev.scalability.health.alerts.AlertObserver;
import dev.scalability.health.alerts.AlertRule;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * {@code scalability.alerts.active{alert,severity}}: 1 while an alert fires, 0 otherwise;
 * {@code scalability.alerts.notifications{channel,outcome}}: what the channels did with
 * the alerts ({@code sent}, {@code failed}, {@code dropped}).
 */
public class MicrometerAlertObserver implements AlertObserver {

	private final MeterRegistry registry;

	public MicrometerAlertObserver(MeterRegistry registry) {
		this.registry = registry;
	}

	/**
	 * Shows whether each alert fires.
	 * @param alerts the alerts
	 */
	public void watch(AlertEvaluator alerts) {
		for (AlertRule rule : alerts.rules()) {
			Gauge.builder("scalability.alerts.active", alerts, (evaluator) -> evaluator.firing(rule.name()) ? 1 : 0)
				.description("1 while the alert fires")
				.tag("alert", rule.name())
				.tag("severity", rule.severity().tag())
				.register(this.registry);
		}
	}

	@Override
	public void notified(String channel, String outcome) {
		Counter.builder("scalability.alerts.notifications")
			.description("Alert notifications, by channel and what became of them")
			.tag("channel", channel)
			.tag("outcome", outcome)
			.register(this.registry)
			.increment();
	}

}
