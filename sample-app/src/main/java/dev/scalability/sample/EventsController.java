package dev.scalability.sample;

import java.util.Map;

import dev.scalability.events.EventBus;
import dev.scalability.events.EventPublishException;
import tools.jackson.databind.JsonNode;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * Publishes events and shows what this instance handled.
 */
@RestController
@RequestMapping("/api/events")
class EventsController {

	private final EventBus events;

	private final EventStats stats;

	EventsController(EventBus events, EventStats stats) {
		this.events = events;
		this.stats = stats;
	}

	@PostMapping("/{topic}")
	@ResponseStatus(HttpStatus.ACCEPTED)
	Map<String, String> publish(@PathVariable String topic, @RequestBody JsonNode event) {
		return Map.of("id", this.events.publish(topic, event), "topic", topic);
	}

	@GetMapping("/stats")
	Map<String, Map<String, Long>> stats() {
		return this.stats.snapshot();
	}

	@ExceptionHandler(EventPublishException.class)
	ProblemDetail notStored(EventPublishException ex) {
		return ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE, ex.getMessage());
	}

}
