package dev.scalability.health.alerts;

/**
 * Where alerts go. Called on the evaluation thread: a channel that talks to the network
 * hands the work to threads of its own.
 */
public interface AlertChannel {

	/**
	 * The channel's name, for meters, such as {@code webhook}.
	 * @return the name
	 */
	String name();

	/**
	 * Sends a notification.
	 * @param notification what fired or resolved
	 */
	void send(AlertNotification notification);

}
