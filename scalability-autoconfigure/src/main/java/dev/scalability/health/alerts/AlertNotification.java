package dev.scalability.health.alerts;

import java.time.Instant;

/**
 * An alert that fired or resolved, as channels send it. Published as an application event
 * too: {@code @EventListener void on(AlertNotification alert)}.
 *
 * @param alert the alert's name
 * @param state {@code firing} or {@code resolved}
 * @param severity how bad it is
 * @param signal the signal the rule watches
 * @param value the signal's value, as read when the state changed
 * @param threshold the value the rule fires above
 * @param since when the alert began firing
 * @param at when this notification was made
 * @param description what it means
 * @param instance which instance of the service says so
 * @param sequence the instance's count of notifications, this one included: a receiver
 * that gets an older one after a newer one of the same alert (a retried delivery) keeps
 * the newer
 */
public record AlertNotification(String alert, String state, String severity, String signal, String value,
		String threshold, Instant since, Instant at, String description, String instance, long sequence) {

	public boolean firing() {
		return "firing".equals(this.state);
	}

}
