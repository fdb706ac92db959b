package dev.scalability.health.alerts;

import java.time.Duration;

/**
 * When an alert fires: its signal above a value for a while; and when it resolves: the
 * signal at or below another value (the same by default).
 *
 * @param name the alert's name
 * @param signal the signal's name
 * @param above the value the signal must exceed
 * @param resolveAtOrBelow the value at or below which a firing alert resolves
 * @param forDuration how long the signal must stay above before the alert fires
 * @param severity how bad it is
 * @param description what it means, for whoever gets it
 */
public record AlertRule(String name, String signal, double above, double resolveAtOrBelow, Duration forDuration,
		Severity severity, String description) {

	public AlertRule {
		if (name == null || name.isBlank()) {
			throw new IllegalArgumentException("an alert rule needs a name");
		}
		if (resolveAtOrBelow > above) {
			throw new IllegalArgumentException("alert '" + name + "' would resolve above the value it fires at");
		}
		if (forDuration == null || forDuration.isNegative()) {
			throw new IllegalArgumentException("alert '" + name + "' needs a duration of at least 0");
		}
	}

	/**
	 * How bad an alert is.
	 */
	public enum Severity {

		INFO, WARNING, CRITICAL;

		public String tag() {
			return name().toLowerCase(java.util.Locale.ROOT);
		}

	}

}
