package dev.scalability.health.alerts;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Writes alerts to the log: firing critical alerts as errors, other firing ones as
 * warnings, resolutions as information.
 */
public final class LogAlertChannel implements AlertChannel {

	private static final Log logger = LogFactory.getLog("dev.scalability.alerts");

	@Override
	public String name() {
		return "log";
	}

	@Override
	public void send(AlertNotification notification) {
		String message = "Alert '" + notification.alert() + "' " + notification.state() + " (" + notification.severity()
				+ "): " + notification.signal() + " is " + notification.value() + ", threshold " + notification.threshold()
				+ ((notification.description() != null) ? ". " + notification.description() : "");
		if (!notification.firing()) {
			logger.info(message);
		}
		else if ("critical".equals(notification.severity())) {
			logger.error(message);
		}
		else {
			logger.warn(message);
		}
	}

}
