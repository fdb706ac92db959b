package dev.scalability.events;

import java.time.Instant;
import java.util.Map;

/**
 * An event as the bus stores it.
 *
 * @param id its id, unique and increasing within its topic
 * @param topic where it was published
 * @param time when it was stored
 * @param headers what travels beside the payload, such as request correlation
 * @param payload the payload as JSON
 */
public record Event(String id, String topic, Instant time, Map<String, String> headers, String payload) {

	public Event {
		headers = Map.copyOf(headers);
	}

	/**
	 * A header.
	 * @param name its name
	 * @return its value, or {@code null}
	 */
	public String header(String name) {
		return this.headers.get(name);
	}

}
