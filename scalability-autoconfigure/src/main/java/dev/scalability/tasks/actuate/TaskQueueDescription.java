package dev.scalability.tasks.actuate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.scalability.tasks.QueueSnapshot;
import dev.scalability.tasks.TaskDeadLetter;
import dev.scalability.tasks.TaskQueueBackend;

/**
 * A task queue as JSON: the tasks not finished yet over every queue, each queue's counts,
 * and, for the endpoint, the dead letters.
 */
final class TaskQueueDescription {

	private TaskQueueDescription() {
	}

	static Map<String, Object> describe(TaskQueueBackend queue, boolean listDeadLetters) {
		Map<String, Object> description = new LinkedHashMap<>();
		description.put("backend", queue.backend());
		long pending = 0;
		Map<String, Object> queues = new LinkedHashMap<>();
		for (QueueSnapshot snapshot : queue.queues()) {
			pending += snapshot.pending();
			queues.put(snapshot.queue(), Map.of("waiting", snapshot.waiting(), "running", snapshot.running(),
					"delayed", snapshot.delayed(), "dead", snapshot.dead()));
		}
		description.put("pending", pending);
		description.put("queues", queues);
		if (listDeadLetters) {
			List<Map<String, Object>> letters = new ArrayList<>();
			for (TaskDeadLetter letter : queue.deadLetters()) {
				Map<String, Object> described = new LinkedHashMap<>();
				described.put("id", letter.id());
				described.put("type", letter.type());
				described.put("queue", letter.queue());
				described.put("attempts", letter.attempts());
				described.put("error", letter.error());
				described.put("failedAt", letter.failedAt().toString());
				letters.add(described);
			}
			description.put("deadLetters", letters);
		}
		return description;
	}

}
