package dev.scalability.sample;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.springframework.stereotype.Component;

/**
 * Events handled on this instance, by topic and group: with several instances on one Redis,
 * their counts add up to one per event and group.
 */
@Component
class EventStats {

	private final Map<String, Map<String, AtomicLong>> handled = new ConcurrentHashMap<>();

	void handled(String topic, String group) {
		this.handled.computeIfAbsent(topic, (name) -> new ConcurrentHashMap<>())
			.computeIfAbsent(group, (name) -> new AtomicLong())
			.incrementAndGet();
	}

	Map<String, Map<String, Long>> snapshot() {
		Map<String, Map<String, Long>> snapshot = new TreeMap<>();
		this.handled.forEach((topic, groups) -> {
			Map<String, Long> counts = new TreeMap<>();
			groups.forEach((group, count) -> counts.put(group, count.get()));
			snapshot.put(topic, counts);
		});
		return snapshot;
	}

}
