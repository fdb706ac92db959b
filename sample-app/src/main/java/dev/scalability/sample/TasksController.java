package dev.scalability.sample;

import java.time.Duration;
import java.util.Map;

import dev.scalability.tasks.TaskOptions;
import dev.scalability.tasks.TaskPriority;
import dev.scalability.tasks.TaskQueue;
import dev.scalability.tasks.TaskStatus;
import dev.scalability.tasks.TaskSubmitException;
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
 * Submits tasks and shows them: {@code POST /api/tasks} with
 * {@code {"type": "sample.echo", "payload": {"sleepMs": 100}}} and optionally
 * {@code priority}, {@code delayMs} and {@code idempotencyKey}.
 */
@RestController
@RequestMapping("/api/tasks")
class TasksController {

	private final ObjectProvider<TaskQueue> tasks;

	private final ObjectProvider<SampleTaskHandlers> handlers;

	/**
	 * The queue is optional: the sample also runs with the starter switched off.
	 */
	TasksController(ObjectProvider<TaskQueue> tasks, ObjectProvider<SampleTaskHandlers> handlers) {
		this.tasks = tasks;
		this.handlers = handlers;
	}

	@PostMapping
	@ResponseStatus(HttpStatus.ACCEPTED)
	Map<String, String> submit(@RequestBody JsonNode request) {
		String type = request.path("type").asString("");
		if (type.isBlank()) {
			throw problem(HttpStatus.BAD_REQUEST, "'type' is missing, such as \"sample.echo\"");
		}
		TaskOptions options = TaskOptions.defaults();
		if (request.hasNonNull("priority")) {
			try {
				options = options.withPriority(TaskPriority.valueOf(request.path("priority").asString().toUpperCase()));
			}
			catch (IllegalArgumentException ex) {
				throw problem(HttpStatus.BAD_REQUEST, "'priority' is one of critical, high, normal, low");
			}
		}
		if (request.hasNonNull("delayMs")) {
			options = options.withDelay(Duration.ofMillis(Math.max(0, request.path("delayMs").asLong())));
		}
		if (request.hasNonNull("idempotencyKey")) {
			options = options.withIdempotencyKey(request.path("idempotencyKey").asString());
		}
		String id = queue().submit(type, request.path("payload"), options);
		return Map.of("id", id, "type", type);
	}

	@GetMapping("/{id}")
	TaskStatus status(@PathVariable String id) {
		return queue().status(id)
			.orElseThrow(() -> problem(HttpStatus.NOT_FOUND, "No task " + id + " (or its record has expired)"));
	}

	@GetMapping("/stats")
	Map<String, Long> stats() {
		SampleTaskHandlers sample = this.handlers.getIfAvailable();
		return (sample != null) ? sample.runs() : Map.of();
	}

	@ExceptionHandler(TaskSubmitException.class)
	ProblemDetail notStored(TaskSubmitException ex) {
		return ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE, ex.getMessage());
	}

	private TaskQueue queue() {
		TaskQueue queue = this.tasks.getIfAvailable();
		if (queue == null) {
			throw problem(HttpStatus.NOT_FOUND, "The task queue is switched off");
		}
		return queue;
	}

	private static ErrorResponseException problem(HttpStatus status, String detail) {
		return new ErrorResponseException(status, ProblemDetail.forStatusAndDetail(status, detail), null);
	}

}
