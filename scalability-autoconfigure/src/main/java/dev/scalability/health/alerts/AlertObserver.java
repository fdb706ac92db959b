package dev.scalability.health.alerts;

/**
 * Hears what the alerts do, for meters.
 */
public interface AlertObserver {

	AlertObserver NONE = new AlertObserver() {
	};

	/**
	 * A channel took a notification, or gave up on it.
	 * @param channel the channel's name
	 * @param outcome {@code sent}, {@code failed} or {@code dropped}
	 */
	default void notified(String channel, String outcome) {
	}

}
