package dev.scalability.events.actuate;

import java.util.List;
import java.util.Map;

import dev.scalability.events.EventBusBackend;
import dev.scalability.events.TopicSnapshot;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * {@code /actuator/events}. {@code GET}: the backend, the topics with their groups' lag and
 * pending events, and the latest dead letters with their errors. {@code POST}
 * {@code {"redrive": "<id>" | "all", "topic": "<topic>"}}: gives dead letters back to the
 * groups that gave up on them; without a topic, in every topic.
 */
@Endpoint(id = "events")
public class EventsEndpoint {

	static final String ALL = "all";

	private final EventBusBackend bus;

	public EventsEndpoint(EventBusBackend bus) {
		this.bus = bus;
	}

	@ReadOperation
	public Map<String, Object> events() {
		return EventBusDescription.describe(this.bus, true);
	}

	@WriteOperation
	public Map<String, Object> redrive(String redrive, @Nullable String topic) {
		if (redrive.isBlank()) {
			throw new InvalidEndpointRequestException("'redrive' is blank",
					"'redrive' must be the id of a dead letter, or 'all'");
		}
		List<String> topics = (topic != null) ? List.of(topic)
				: this.bus.topics().stream().map(TopicSnapshot::topic).toList();
		int redriven = 0;
		for (String name : topics) {
			redriven += ALL.equals(redrive) ? this.bus.redriveAll(name) : this.bus.redrive(name, redrive);
		}
		return Map.of("redriven", redriven);
	}

}
