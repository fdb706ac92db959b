package dev.scalability.sample;

import java.net.http.HttpResponse;

import dev.scalability.test.web.HttpTestClient;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample's request queue, as its {@code application.yml} sets it up.
 */
class SampleRequestQueueTests extends SampleWithoutRedis {

	@Test
	void theQueueEndpointShowsItsLimitAndIsNeverQueuedItself() {
		HttpResponse<String> response = this.http.get("/actuator/requestqueue");
		assertThat(response.statusCode()).isEqualTo(200);
		JsonNode queue = HttpTestClient.json(response);
		assertThat(queue.get("limit").get("current").asInt()).isEqualTo(4);
		assertThat(queue.get("pending").has("high")).isTrue();
		assertThat(queue.get("breaker").get("state").asString()).isEqualTo("CLOSED");
	}

	@Test
	void healthAndTheSnapshotReportTheQueue() {
		JsonNode health = HttpTestClient.json(this.http.get("/actuator/health"));
		assertThat(health.get("components").get("requestQueue").get("status").asString()).isEqualTo("UP");
		assertThat(this.http.get("/actuator/health/readiness").statusCode()).isEqualTo(200);
		JsonNode snapshot = HttpTestClient.json(this.http.get("/actuator/scalability"));
		assertThat(snapshot.get("requestQueue").get("limit").get("max").asInt()).isEqualTo(4);
	}

	@Test
	void theQueuesMetricsArePublished() {
		this.http.get("/api/hello");
		String prometheus = this.http.get("/actuator/prometheus").body();
		// Every meter carries the sample's application tag.
		assertThat(prometheus).contains("scalability_requestqueue_pending{application=\"scalability-sample\",priority=\"high\"}")
			.contains("scalability_requestqueue_running")
			.contains("scalability_requestqueue_wait_seconds_count{application=\"scalability-sample\",priority=\"medium\"}")
			.contains("scalability_requestqueue_rejected_total{application=\"scalability-sample\",reason=\"queue-full\"}");
	}

}
