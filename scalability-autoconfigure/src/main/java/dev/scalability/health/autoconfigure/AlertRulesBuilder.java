package dev.scalability.health.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.scalability.autoconfigure.InvalidPropertyException;
import dev.scalability.health.Signals;
import dev.scalability.health.alerts.AlertRule;
import dev.scalability.health.alerts.AlertRule.Severity;

/**
 * The alert rules: the built-in ones, each changed or turned off by a rule of its name in
 * {@code scalability.alerts.rules}, and the application's own; each value checked with
 * the property named.
 */
final class AlertRulesBuilder {

	static final String PREFIX = "scalability.alerts.rules.";

	/**
	 * The alerts every service wants, as {@code docs/prometheus/alerts.yml} has them.
	 */
	static final Map<String, AlertRule> BUILT_IN = builtIn();

	private final AlertsProperties properties;

	private final Signals signals;

	AlertRulesBuilder(AlertsProperties properties, Signals signals) {
		this.properties = properties;
		this.signals = signals;
	}

	private static Map<String, AlertRule> builtIn() {
		Map<String, AlertRule> rules = new LinkedHashMap<>();
		add(rules, new AlertRule("unhealthy", "unhealthy", 0, 0, Duration.ofMinutes(1), Severity.CRITICAL,
				"The service reports itself unhealthy: see /actuator/health for the failing indicator."));
		add(rules, new AlertRule("breaker-open", "breakers-open", 0, 0, Duration.ofMinutes(5), Severity.CRITICAL,
				"A circuit breaker has been open for 5 minutes: the target it protects keeps failing."));
		add(rules, new AlertRule("dead-letters", "dead-letters", 100, 100, Duration.ZERO, Severity.WARNING,
				"Tasks that failed every attempt wait in dead-letter queues: see /actuator/tasks."));
		add(rules, new AlertRule("queue-rejections", "queue-rejections", 0.2, 0.2, Duration.ofMinutes(1),
				Severity.WARNING, "The request queue refuses over 20% of requests: add instances or capacity."));
		add(rules, new AlertRule("latency", "latency-vs-baseline", 2, 2, Duration.ofMinutes(5), Severity.WARNING,
				"The 99th percentile latency is over twice that of the hour before."));
		return rules;
	}

	private static void add(Map<String, AlertRule> rules, AlertRule rule) {
		rules.put(rule.name(), rule);
	}

	List<AlertRule> build() {
		List<AlertRule> rules = new ArrayList<>();
		Map<String, AlertsProperties.Rule> configured = this.properties.getRules();
		for (AlertRule builtIn : BUILT_IN.values()) {
			AlertsProperties.Rule changes = configured.get(builtIn.name());
			AlertRule rule = (changes != null) ? overlay(builtIn, changes) : builtIn;
			if (rule != null && this.signals.find(rule.signal()).isPresent()) {
				rules.add(rule);
			}
		}
		configured.forEach((name, rule) -> {
			if (!BUILT_IN.containsKey(name) && !Boolean.FALSE.equals(rule.getEnabled())) {
				rules.add(own(name, rule));
			}
		});
		return rules;
	}

	private AlertRule overlay(AlertRule builtIn, AlertsProperties.Rule changes) {
		if (Boolean.FALSE.equals(changes.getEnabled())) {
			return null;
		}
		String property = PREFIX + builtIn.name();
		String signal = (changes.getSignal() != null) ? signal(property, changes.getSignal()) : builtIn.signal();
		double above = (changes.getAbove() != null) ? changes.getAbove() : builtIn.above();
		double resolve = (changes.getResolveAtOrBelow() != null) ? changes.getResolveAtOrBelow()
				: (changes.getAbove() != null) ? above : Math.min(builtIn.resolveAtOrBelow(), above);
		return rule(property, builtIn.name(), signal, above, resolve,
				(changes.getFor() != null) ? changes.getFor() : builtIn.forDuration(),
				(changes.getSeverity() != null) ? changes.getSeverity() : builtIn.severity(),
				(changes.getDescription() != null) ? changes.getDescription() : builtIn.description());
	}

	private AlertRule own(String name, AlertsProperties.Rule rule) {
		String property = PREFIX + name;
		if (rule.getSignal() == null) {
			throw new InvalidPropertyException(property + ".signal", null, "is required",
					"name the signal to watch, such as error-rate, p99-latency or meter:my.meter.");
		}
		String signal = signal(property, rule.getSignal());
		if (rule.getAbove() == null) {
			throw new InvalidPropertyException(property + ".above", null, "is required",
					"give the value the signal must exceed, such as 0.05.");
		}
		double above = rule.getAbove();
		return rule(property, name, signal, above,
				(rule.getResolveAtOrBelow() != null) ? rule.getResolveAtOrBelow() : above,
				(rule.getFor() != null) ? rule.getFor() : Duration.ZERO,
				(rule.getSeverity() != null) ? rule.getSeverity() : Severity.WARNING, rule.getDescription());
	}

	private String signal(String property, String signal) {
		if (this.signals.find(signal).isEmpty()) {
			throw new InvalidPropertyException(property + ".signal", signal, "is not a signal this service has",
					"use one of " + this.signals.names() + ", or meter:<name>.");
		}
		return signal;
	}

	private static AlertRule rule(String property, String name, String signal, double above, double resolve,
			Duration forDuration, Severity severity, String description) {
		if (resolve > above) {
			throw new InvalidPropertyException(property + ".resolve-at-or-below", resolve,
					"is above the value the alert fires at (" + above + ")", "use a value at or below 'above'.");
		}
		if (forDuration.isNegative()) {
			throw new InvalidPropertyException(property + ".for", forDuration, "must not be negative", "such as 5m.");
		}
		return new AlertRule(name, signal, above, resolve, forDuration, severity, description);
	}

}
