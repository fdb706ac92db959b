package dev.scalability.health.actuate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.scalability.health.Threshold;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Health {@code scalability}: each threshold of {@code scalability.health.thresholds} with
 * its signal's value. Above a threshold the service is degraded: the indicator says so in
 * its details ({@code degraded}, and which are exceeded) and stays up, since restarting or
 * taking out of rotation an instance that is merely busy would only move its load onto the
 * others. It belongs to no probe group.
 */
public class ThresholdHealthIndicator extends AbstractHealthIndicator {

	private final List<Threshold> thresholds;

	public ThresholdHealthIndicator(List<Threshold> thresholds) {
		super("Threshold health check failed");
		this.thresholds = List.copyOf(thresholds);
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		Map<String, Object> checks = new LinkedHashMap<>();
		List<String> exceeded = new ArrayList<>();
		for (Threshold threshold : this.thresholds) {
			Threshold.Reading reading = threshold.read();
			checks.put(reading.name(), reading.describe());
			if (reading.exceeded()) {
				exceeded.add(reading.name());
			}
		}
		builder.up();
		if (!exceeded.isEmpty()) {
			builder.withDetail("degraded", true).withDetail("exceeded", exceeded);
		}
		builder.withDetail("thresholds", checks);
	}

}
