package dev.scalability.sample;

import java.net.http.HttpResponse;
import java.time.Duration;

import dev.scalability.test.web.HttpTestClient;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class SampleTasksTests extends SampleWithoutRedis {

	@Test
	void anEchoTaskRunsAndItsStatusSaysSo() {
		HttpResponse<String> submitted = this.http.post("/api/tasks",
				"{\"type\":\"sample.echo\",\"payload\":{\"sleepMs\":10}}");
		assertThat(submitted.statusCode()).isEqualTo(202);
		String id = HttpTestClient.json(submitted).path("id").asString();
		await().atMost(Duration.ofSeconds(10))
			.until(() -> "SUCCEEDED".equals(status(id).path("state").asString()));
		assertThat(HttpTestClient.json(this.http.get("/api/tasks/stats")).path("sample.echo").asLong()).isPositive();
	}

	@Test
	void aPoisonTaskEndsAsADeadLetterListedByTheTasksEndpointAndHealth() {
		String id = HttpTestClient.json(this.http.post("/api/tasks", "{\"type\":\"sample.poison\",\"payload\":{}}"))
			.path("id")
			.asString();
		// Three tries, 200 ms and then 400 ms apart (application.yml).
		await().atMost(Duration.ofSeconds(15)).until(() -> "DEAD".equals(status(id).path("state").asString()));
		JsonNode tasks = HttpTestClient.json(this.http.get("/actuator/tasks"));
		assertThat(tasks.path("deadLetters").findValuesAsString("id")).contains(id);
		assertThat(tasks.path("queues").path("default").path("dead").asLong()).isPositive();
		JsonNode health = HttpTestClient.json(this.http.get("/actuator/health"));
		assertThat(health.path("components").path("taskQueue").path("status").asString()).isEqualTo("UP");
		assertThat(HttpTestClient.json(this.http.get("/actuator/scalability")).path("tasks").path("backend").asString())
			.isEqualTo("memory");
	}

	@Test
	void aFlakyTaskSucceedsOnItsThirdTry() {
		String id = HttpTestClient.json(this.http.post("/api/tasks", "{\"type\":\"sample.flaky\",\"payload\":{}}"))
			.path("id")
			.asString();
		await().atMost(Duration.ofSeconds(15)).until(() -> "SUCCEEDED".equals(status(id).path("state").asString()));
		assertThat(status(id).path("attempts").asInt()).isEqualTo(3);
	}

	@Test
	void aSubmitWithoutATypeIsAProblem() {
		HttpResponse<String> refused = this.http.post("/api/tasks", "{\"payload\":{}}");
		assertThat(refused.statusCode()).isEqualTo(400);
		assertThat(refused.headers().firstValue("Content-Type")).hasValueSatisfying(
				(type) -> assertThat(type).startsWith("application/problem+json"));
		assertThat(this.http.get("/api/tasks/no-such-task").statusCode()).isEqualTo(404);
	}

	private JsonNode status(String id) {
		return HttpTestClient.json(this.http.get("/api/tasks/" + id));
	}

}
