package dev.scalability.health.actuate;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.scalability.actuate.ScalabilitySnapshotContributor;
import dev.scalability.health.alerts.AlertEvaluator;

/**
 * The {@code alerts} section: every alert rule, its state ({@code inactive},
 * {@code pending}, {@code firing}), its signal's last value and since when it fires; the
 * firing ones are also listed under {@code firing}.
 */
public class AlertsSnapshotContributor implements ScalabilitySnapshotContributor {

	private final AlertEvaluator alerts;

	public AlertsSnapshotContributor(AlertEvaluator alerts) {
		this.alerts = alerts;
	}

	@Override
	public String name() {
		return "alerts";
	}

	@Override
	public Object snapshot() {
		Map<String, Map<String, Object>> rules = this.alerts.describe();
		Map<String, Object> section = new LinkedHashMap<>();
		section.put("firing", rules.entrySet()
			.stream()
			.filter((rule) -> "firing".equals(rule.getValue().get("state")))
			.map(Map.Entry::getKey)
			.toList());
		section.put("rules", rules);
		return section;
	}

}
