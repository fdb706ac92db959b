package dev.scalability.health.autoconfigure;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.scalability.health.alerts.AlertRule;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Alerts evaluated in the application itself, over the service's signals.
 */
@ConfigurationProperties("scalability.alerts")
public class AlertsProperties {

	/**
	 * Whether the alert rules are evaluated.
	 */
	private boolean enabled = true;

	/**
	 * How often the rules are evaluated.
	 */
	private Duration evaluationInterval = Duration.ofSeconds(10);

	/**
	 * Alert rules by name, on top of the built-in ones (unhealthy, breaker-open,
	 * dead-letters, queue-rejections, latency), which a rule of the same name changes or
	 * turns off (enabled: false).
	 */
	private Map<String, Rule> rules = new LinkedHashMap<>();

	/**
	 * Whether alerts are written to the log.
	 */
	private boolean log = true;

	/**
	 * Whether alerts are published as application events (AlertNotification).
	 */
	private boolean events = true;

	private final Webhook webhook = new Webhook();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public Duration getEvaluationInterval() {
		return this.evaluationInterval;
	}

	public void setEvaluationInterval(Duration evaluationInterval) {
		this.evaluationInterval = evaluationInterval;
	}

	public Map<String, Rule> getRules() {
		return this.rules;
	}

	public void setRules(Map<String, Rule> rules) {
		this.rules = rules;
	}

	public boolean isLog() {
		return this.log;
	}

	public void setLog(boolean log) {
		this.log = log;
	}

	public boolean isEvents() {
		return this.events;
	}

	public void setEvents(boolean events) {
		this.events = events;
	}

	public Webhook getWebhook() {
		return this.webhook;
	}

	public static class Rule {

		/**
		 * Whether the rule is evaluated.
		 */
		private Boolean enabled;

		/**
		 * The signal watched: heap-after-gc, cpu, error-rate, p99-latency (seconds),
		 * latency-vs-baseline, queue-rejections, breakers-open, dead-letters, event-lag,
		 * pool-saturation, pool-pending, unhealthy, or meter:<name> for any meter.
		 */
		private String signal;

		/**
		 * The value the signal must exceed for the alert to fire.
		 */
		private Double above;

		/**
		 * The value at or below which a firing alert resolves; 'above' when not set.
		 */
		private Double resolveAtOrBelow;

		/**
		 * How long the signal must stay above before the alert fires.
		 */
		private Duration forDuration;

		/**
		 * How bad it is: info, warning or critical.
		 */
		private AlertRule.Severity severity;

		/**
		 * What it means, for whoever gets it.
		 */
		private String description;

		public Boolean getEnabled() {
			return this.enabled;
		}

		public void setEnabled(Boolean enabled) {
			this.enabled = enabled;
		}

		public String getSignal() {
			return this.signal;
		}

		public void setSignal(String signal) {
			this.signal = signal;
		}

		public Double getAbove() {
			return this.above;
		}

		public void setAbove(Double above) {
			this.above = above;
		}

		public Double getResolveAtOrBelow() {
			return this.resolveAtOrBelow;
		}

		public void setResolveAtOrBelow(Double resolveAtOrBelow) {
			this.resolveAtOrBelow = resolveAtOrBelow;
		}

		/**
		 * How long the signal must stay above before the alert fires ({@code for}, as in
		 * Prometheus's rules).
		 * @return the duration
		 */
		public Duration getFor() {
			return this.forDuration;
		}

		public void setFor(Duration forDuration) {
			this.forDuration = forDuration;
		}

		public AlertRule.Severity getSeverity() {
			return this.severity;
		}

		public void setSeverity(AlertRule.Severity severity) {
			this.severity = severity;
		}

		public String getDescription() {
			return this.description;
		}

		public void setDescription(String description) {
			this.description = description;
		}

	}

	public static class Webhook {

		/**
		 * Where alerts are POSTed as JSON; no webhook when not set.
		 */
		private URI url;

		/**
		 * Longest wait of one attempt.
		 */
		private Duration timeout = Duration.ofSeconds(5);

		/**
		 * Attempts after the first, on no answer, a 5xx or a 429.
		 */
		private int retries = 3;

		/**
		 * Wait before the first retry, doubled for each next.
		 */
		private Duration backoff = Duration.ofSeconds(1);

		/**
		 * Headers of every request, such as Authorization.
		 */
		private Map<String, String> headers = new LinkedHashMap<>();

		public URI getUrl() {
			return this.url;
		}

		public void setUrl(URI url) {
			this.url = url;
		}

		public Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(Duration timeout) {
			this.timeout = timeout;
		}

		public int getRetries() {
			return this.retries;
		}

		public void setRetries(int retries) {
			this.retries = retries;
		}

		public Duration getBackoff() {
			return this.backoff;
		}

		public void setBackoff(Duration backoff) {
			this.backoff = backoff;
		}

		public Map<String, String> getHeaders() {
			return this.headers;
		}

		public void setHeaders(Map<String, String> headers) {
			this.headers = headers;
		}

	}

}
