package dev.scalability.events.actuate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.scalability.delivery.DeadLetter;
import dev.scalability.events.EventBusBackend;
import dev.scalability.events.EventDeadLetter;
import dev.scalability.events.TopicSnapshot;

/**
 * The bus as JSON: its backend, and per topic the events kept, the groups with their lag
 * and pending events, and the dead letters (their errors, never their payloads).
 */
final class EventBusDescription {

	/**
	 * Dead letters listed per topic, the newest; the count says how many there are.
	 */
	static final int DEAD_LETTERS_LISTED = 100;

	private EventBusDescription() {
	}

	static Map<String, Object> describe(EventBusBackend bus, boolean listDeadLetters) {
		Map<String, Object> description = new LinkedHashMap<>();
		description.put("backend", bus.backend());
		description.put("running", bus.isRunning());
		description.putAll(bus.details());
		Map<String, Object> topics = new LinkedHashMap<>();
		List<Map<String, Object>> deadLetters = new ArrayList<>();
		for (TopicSnapshot topic : bus.topics()) {
			topics.put(topic.topic(), describe(topic));
			if (listDeadLetters && topic.deadLetters() > 0) {
				List<EventDeadLetter> letters = bus.deadLetters(topic.topic());
				letters.subList(Math.max(0, letters.size() - DEAD_LETTERS_LISTED), letters.size())
					.forEach((letter) -> deadLetters.add(describe(letter)));
			}
		}
		description.put("topics", topics);
		if (listDeadLetters) {
			description.put("deadLetters", deadLetters);
		}
		return description;
	}

	private static Map<String, Object> describe(TopicSnapshot topic) {
		Map<String, Object> described = new LinkedHashMap<>();
		described.put("events", topic.events());
		described.put("lastId", topic.lastId());
		described.put("deadLetters", topic.deadLetters());
		Map<String, Object> groups = new LinkedHashMap<>();
		for (TopicSnapshot.GroupSnapshot group : topic.groups()) {
			groups.put(group.group(), Map.of("lag", group.lag(), "pending", group.pending()));
		}
		described.put("groups", groups);
		return described;
	}

	private static Map<String, Object> describe(EventDeadLetter letter) {
		DeadLetter deadLetter = letter.deadLetter();
		Map<String, Object> described = new LinkedHashMap<>();
		described.put("id", deadLetter.id());
		described.put("topic", deadLetter.source());
		described.put("group", deadLetter.handler());
		described.put("attempts", deadLetter.attempts());
		described.put("error", deadLetter.error());
		described.put("failedAt", deadLetter.failedAt().toString());
		// No payload: events may carry personal data, and the endpoint is no place to show it.
		return described;
	}

}
