package dev.scalability.requestqueue;

import java.util.Locale;

/**
 * How urgent a request is. A waiting request of a higher priority is always admitted before
 * one of a lower priority, whatever their arrival order.
 */
public enum Priority {

	/**
	 * Health checks, logins: admitted first, never shed for memory pressure, and not
	 * refused by the server-error breaker, so that an instance can still report its state.
	 */
	HIGH,

	/**
	 * Ordinary traffic. Under memory pressure it runs only when a slot is free at once.
	 */
	MEDIUM,

	/**
	 * Work that can come back later (uploads, prefetches): the first shed.
	 */
	LOW;

	/**
	 * The priority as written in configuration.
	 * @return {@code high}, {@code medium} or {@code low}
	 */
	public String value() {
		return name().toLowerCase(Locale.ROOT);
	}

}
