package dev.scalability.health.autoconfigure;

import java.time.Duration;

import dev.scalability.health.alerts.AlertEvaluator;

import org.springframework.context.SmartLifecycle;

/**
 * Evaluates the alert rules while the application runs.
 */
class AlertEvaluation implements SmartLifecycle {

	private final AlertEvaluator alerts;

	private final Duration interval;

	private volatile boolean running;

	AlertEvaluation(AlertEvaluator alerts, Duration interval) {
		this.alerts = alerts;
		this.interval = interval;
	}

	@Override
	public void start() {
		this.alerts.start(this.interval);
		this.running = true;
	}

	@Override
	public void stop() {
		this.alerts.stop();
		this.running = false;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

}
