package dev.scalability.sample;

import java.util.Map;

import dev.scalability.events.EventBus;
import dev.scalability.events.EventPublishException;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;
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

	private final ObjectProvider<EventBus> events;

	private final EventStats stats;

	/**
	 * The bus is optional: the sample also runs with the starter switched off
	 * ({@code scalability.enabled=false}), as the baseline of the overhead benchmarks.
	 */
	EventsController(ObjectProvider<EventBus> events, EventStats stats) {
		this.events = events;
		this.stats = stats;
	}

	@PostMapping("/{topic}")
	@ResponseStatus(HttpStatus.ACCEPTED)
	Map<String, String> publish(@PathVariable String topic, @RequestBody JsonNode event) {
		EventBus bus = this.events.getIfAvailable();
		if (bus == null) {
			throw new ErrorResponseException(HttpStatus.NOT_FOUND,
					ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, "The event bus is switched off"), null);
		}
		return Map.of("id", bus.publish(topic, event), "topic", topic);
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
