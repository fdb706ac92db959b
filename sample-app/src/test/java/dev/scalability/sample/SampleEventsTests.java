package dev.scalability.sample;

import java.net.http.HttpResponse;
import java.time.Duration;

import dev.scalability.test.web.HttpTestClient;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code POST /api/events/{topic}} and {@code GET /api/events/stats} on the memory
 * backend: an order reaches both groups of {@code orders.created}, once each.
 */
class SampleEventsTests extends SampleWithoutRedis {

	@Test
	void anOrderIsHandledOncePerGroupAndShownByTheEventsEndpoint() {
		long billed = handled("billing");
		long shipped = handled("shipping");
		HttpResponse<String> published = this.http.post("/api/events/orders.created",
				"{\"id\":\"order-1\",\"total\":42}");
		assertThat(published.statusCode()).isEqualTo(202);
		String id = HttpTestClient.json(published).path("id").asString();
		await().atMost(Duration.ofSeconds(10))
			.until(() -> handled("billing") == billed + 1 && handled("shipping") == shipped + 1);
		JsonNode topic = HttpTestClient.json(this.http.get("/actuator/events")).path("topics").path("orders.created");
		assertThat(topic.path("lastId").asString()).isEqualTo(id);
		assertThat(topic.path("groups").path("billing").path("lag").asLong()).isZero();
		assertThat(topic.path("groups").path("shipping").path("pending").asLong()).isZero();
	}

	@Test
	void theEventBusIsPartOfHealthAndTheScalabilitySnapshot() {
		JsonNode health = HttpTestClient.json(this.http.get("/actuator/health"));
		assertThat(health.path("components").path("eventBus").path("status").asString()).isEqualTo("UP");
		JsonNode snapshot = HttpTestClient.json(this.http.get("/actuator/scalability"));
		assertThat(snapshot.path("events").path("backend").asString()).isEqualTo("memory");
	}

	@Test
	void deadLettersAreRedrivenThroughTheEventsEndpoint() {
		HttpResponse<String> all = this.http.post("/actuator/events", "{\"redrive\":\"all\"}");
		assertThat(all.statusCode()).isEqualTo(200);
		assertThat(HttpTestClient.json(all).path("redriven").asInt()).isZero();
		HttpResponse<String> one = this.http.post("/actuator/events",
				"{\"redrive\":\"1-0\",\"topic\":\"orders.created\"}");
		assertThat(one.statusCode()).isEqualTo(200);
		assertThat(HttpTestClient.json(one).path("redriven").asInt()).isZero();
		assertThat(this.http.post("/actuator/events", "{}").statusCode()).isEqualTo(400);
	}

	private long handled(String group) {
		return HttpTestClient.json(this.http.get("/api/events/stats")).path("orders.created").path(group).asLong();
	}

}
