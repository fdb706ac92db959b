package dev.scalability.sample;

import java.net.http.HttpResponse;

import dev.scalability.test.web.HttpTestClient;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample on its default profile, with no Redis anywhere: Spring Data Redis points at a
 * port nothing listens on.
 */
class SampleApplicationTests extends SampleWithoutRedis {

	@Test
	void healthIsUpWithoutRedis() {
		HttpResponse<String> health = this.http.get("/actuator/health");
		assertThat(health.statusCode()).isEqualTo(200);
		assertThat(HttpTestClient.json(health).path("status").asString()).isEqualTo("UP");
	}

	@Test
	void helloAnswers() {
		HttpResponse<String> hello = this.http.get("/api/hello");
		assertThat(hello.statusCode()).isEqualTo(200);
		assertThat(hello.body()).isEqualTo("{\"message\":\"hello\"}");
	}

	@Test
	void workTakesTheRequestedTime() {
		long start = System.nanoTime();
		HttpResponse<String> work = this.http.get("/api/work?ms=50");
		assertThat(work.statusCode()).isEqualTo(200);
		assertThat(work.body()).contains("\"waitedMs\":50");
		assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(50_000_000L);
	}

	@Test
	void cpuBurnsTheRequestedTimeOfItsThreadsCpu() {
		HttpResponse<String> cpu = this.http.get("/api/cpu?ms=20");
		assertThat(cpu.statusCode()).isEqualTo(200);
		JsonNode burnt = HttpTestClient.json(cpu);
		assertThat(burnt.get("busyMs").asInt()).isEqualTo(20);
		assertThat(burnt.get("cpuMs").asInt()).isBetween(20, 40);
	}

	@Test
	void badDurationIsAProblemDetail() {
		HttpResponse<String> work = this.http.get("/api/work?ms=-1");
		assertThat(work.statusCode()).isEqualTo(400);
		assertThat(work.headers().firstValue("Content-Type")).hasValue("application/problem+json");
		assertThat(work.body()).contains("ms must be between 0 and 120000");
	}

	@Test
	void prometheusIsExposed() {
		HttpResponse<String> prometheus = this.http.get("/actuator/prometheus");
		assertThat(prometheus.statusCode()).isEqualTo(200);
		assertThat(prometheus.body()).contains("jvm_memory_used_bytes");
	}

	@Test
	void scalabilityEndpointShowsTheMemoryBackend() {
		HttpResponse<String> snapshot = this.http.get("/actuator/scalability");
		assertThat(snapshot.statusCode()).isEqualTo(200);
		assertThat(HttpTestClient.json(snapshot).path("backend").path("default").asString()).isEqualTo("memory");
	}

}
