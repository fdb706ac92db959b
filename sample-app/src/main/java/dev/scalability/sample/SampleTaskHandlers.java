package dev.scalability.sample;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import dev.scalability.tasks.annotation.TaskHandler;
import tools.jackson.databind.JsonNode;

import org.springframework.stereotype.Component;

/**
 * The sample's task handlers: one that works (for as long as its payload says), one that
 * fails twice before it works, one that always fails and ends as a dead letter.
 */
@Component
class SampleTaskHandlers {

	private final Map<String, AtomicLong> runs = new ConcurrentHashMap<>();

	private final Map<String, AtomicLong> flakyTries = new ConcurrentHashMap<>();

	@TaskHandler(type = "sample.echo")
	void echo(JsonNode payload) throws InterruptedException {
		long sleepMs = payload.path("sleepMs").asLong(0);
		if (sleepMs > 0) {
			Thread.sleep(sleepMs);
		}
		ran("sample.echo");
	}

	@TaskHandler(type = "sample.flaky")
	void flaky(JsonNode payload) {
		String key = payload.path("key").asString(payload.toString());
		long tries = this.flakyTries.computeIfAbsent(key, (name) -> new AtomicLong()).incrementAndGet();
		if (tries <= 2) {
			throw new IllegalStateException("flaky task failed on try " + tries);
		}
		ran("sample.flaky");
	}

	@TaskHandler(type = "sample.poison")
	void poison(JsonNode payload) {
		throw new IllegalArgumentException("this task always fails: " + payload);
	}

	Map<String, Long> runs() {
		Map<String, Long> snapshot = new TreeMap<>();
		this.runs.forEach((type, count) -> snapshot.put(type, count.get()));
		return snapshot;
	}

	private void ran(String type) {
		this.runs.computeIfAbsent(type, (name) -> new AtomicLong()).incrementAndGet();
	}

}
