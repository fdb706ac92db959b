package dev.scalability.events.redis;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.scalability.delivery.DeadLetter;
import dev.scalability.events.Event;
import dev.scalability.events.EventDeadLetter;
import dev.scalability.events.EventId;

/**
 * How an event is written in a stream entry: its payload (JSON) and one field per header
 * ({@code h:<name>}), plain strings. A dead letter adds the event's id, the group, the
 * tries, the error and when it was given up on; a redriven event keeps those fields, so
 * that its group gets it under its own id again.
 */
final class EventEntries {

	static final String PAYLOAD = "payload";

	static final String HEADER = "h:";

	static final String EVENT_ID = "event-id";

	static final String GROUP = "group";

	static final String ATTEMPTS = "attempts";

	static final String ERROR = "error";

	static final String FAILED_AT = "failed-at";

	private EventEntries() {
	}

	/**
	 * The fields of a published event.
	 * @param headers its headers
	 * @param payload its JSON
	 * @return field, value, field, value ..., UTF-8
	 */
	static byte[][] fields(Map<String, String> headers, String payload) {
		List<byte[]> fields = new ArrayList<>(2 + headers.size() * 2);
		add(fields, PAYLOAD, payload);
		headers.forEach((name, value) -> add(fields, HEADER + name, value));
		return fields.toArray(new byte[0][]);
	}

	/**
	 * The fields of a dead letter: the event's own, then why it is one.
	 * @param event the event
	 * @param deadLetter why
	 * @return field, value, field, value ..., UTF-8
	 */
	static byte[][] deadLetterFields(Event event, DeadLetter deadLetter) {
		List<byte[]> fields = new ArrayList<>();
		for (byte[] field : fields(event.headers(), event.payload())) {
			fields.add(field);
		}
		add(fields, EVENT_ID, event.id());
		add(fields, GROUP, deadLetter.handler());
		add(fields, ATTEMPTS, Integer.toString(deadLetter.attempts()));
		add(fields, ERROR, deadLetter.error());
		add(fields, FAILED_AT, Long.toString(deadLetter.failedAt().toEpochMilli()));
		return fields.toArray(new byte[0][]);
	}

	/**
	 * Reads an event from an entry: a published one under the entry's id, a redriven one
	 * under the id it was published with.
	 * @param topic the topic
	 * @param entryId the entry's id
	 * @param fields the entry's fields
	 * @return the event
	 */
	static Event event(String topic, String entryId, Map<String, String> fields) {
		String id = fields.getOrDefault(EVENT_ID, entryId);
		Map<String, String> headers = new LinkedHashMap<>();
		fields.forEach((name, value) -> {
			if (name.startsWith(HEADER)) {
				headers.put(name.substring(HEADER.length()), value);
			}
		});
		String payload = fields.get(PAYLOAD);
		return new Event(id, topic, EventId.parse(id).time(), headers, (payload != null) ? payload : "null");
	}

	static EventDeadLetter deadLetter(String topic, String entryId, Map<String, String> fields) {
		Event event = event(topic, entryId, fields);
		DeadLetter deadLetter = new DeadLetter(event.id(), topic, fields.get(GROUP),
				Integer.parseInt(fields.getOrDefault(ATTEMPTS, "0")), fields.getOrDefault(ERROR, ""),
				Instant.ofEpochMilli(Long.parseLong(fields.getOrDefault(FAILED_AT, "0"))));
		return new EventDeadLetter(event, deadLetter);
	}

	/**
	 * Reads fields as a script returns them: a flat list of field and value.
	 * @param flat the list
	 * @return the fields, in order
	 */
	static Map<String, String> fromFlatList(List<?> flat) {
		Map<String, String> fields = new LinkedHashMap<>();
		for (int i = 0; i + 1 < flat.size(); i += 2) {
			fields.put(text(flat.get(i)), text(flat.get(i + 1)));
		}
		return fields;
	}

	/**
	 * Reads fields as Lettuce returns them.
	 * @param body the entry's body
	 * @return the fields, in order
	 */
	static Map<String, String> fromBody(Map<byte[], byte[]> body) {
		Map<String, String> fields = new LinkedHashMap<>();
		body.forEach((name, value) -> fields.put(text(name), text(value)));
		return fields;
	}

	static String text(Object value) {
		if (value instanceof byte[] bytes) {
			return new String(bytes, StandardCharsets.UTF_8);
		}
		return String.valueOf(value);
	}

	static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	private static void add(List<byte[]> fields, String name, String value) {
		fields.add(bytes(name));
		fields.add(bytes(value));
	}

}
