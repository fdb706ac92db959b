package dev.scalability.requestqueue.web;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import dev.scalability.requestqueue.Priority;
import dev.scalability.requestqueue.RequestQueue;
import dev.scalability.test.web.HttpTestClient;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What a client sees when the queue refuses it at once: a full queue, memory pressure, an
 * open breaker; and how the breaker recovers by itself. One slot, one place in the queue,
 * and the default bypass: the actuator's health and the queue's endpoint are never queued.
 */
@SpringBootTest(classes = QueueTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "scalability.request-queue.max-concurrent=1", "scalability.request-queue.max-queue=1",
				"scalability.request-queue.max-wait=30s", "scalability.request-queue.standing-queue.target=30s",
				"scalability.request-queue.circuit-breaker.window=4",
				"scalability.request-queue.circuit-breaker.open-for=1s",
				"scalability.request-queue.routes[0].paths=/high/**",
				"scalability.request-queue.routes[0].priority=high",
				"scalability.request-queue.routes[1].paths=/low/**", "scalability.request-queue.routes[1].priority=low",
				"management.endpoints.web.exposure.include=requestqueue,health",
				"management.endpoint.health.show-details=always" })
class RequestQueueRefusalsTests {

	@LocalServerPort
	private int port;

	@Autowired
	private RequestQueue queue;

	@Autowired
	private QueueTestApplication.Gates gates;

	@Autowired
	private QueueTestApplication.Heap heap;

	@Autowired
	private CircuitBreakerRegistry breakers;

	@Autowired
	private MeterRegistry meters;

	private AsyncHttp http;

	@BeforeEach
	void connect() {
		this.http = new AsyncHttp(this.port);
	}

	@AfterEach
	void reset() {
		this.gates.openAll();
		this.heap.set(0.1);
		this.breakers.circuitBreaker("scalability-request-queue").reset();
		await().atMost(QueueTestApplication.SOON)
			.until(() -> this.queue.running() == 0 && this.queue.snapshot().pendingTotal() == 0
					&& !this.queue.snapshot().memoryPressure());
		this.gates.reset();
	}

	@Test
	void aFullQueueAnswers503QueueFullAtOnceWithRetryAfter() {
		CompletableFuture<HttpResponse<String>> running = this.http.get("/block?name=running");
		await().atMost(QueueTestApplication.SOON).until(() -> this.queue.running() == 1);
		CompletableFuture<HttpResponse<String>> waiting = this.http.get("/block?name=waiting");
		await().atMost(QueueTestApplication.SOON).until(() -> this.queue.pending(Priority.MEDIUM) == 1);
		long start = System.nanoTime();
		HttpResponse<String> refused = this.http.getNow("/block?name=refused");
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
		assertRefused(refused, "queue-full");
		assertThat(this.gates.started()).doesNotContain("refused");
		// Health checks are never queued: the probe gets through a full queue at once.
		assertThat(this.http.getNow("/actuator/health").statusCode()).isEqualTo(200);
		this.gates.openAll();
		assertThat(running.join().statusCode()).isEqualTo(200);
		assertThat(waiting.join().statusCode()).isEqualTo(200);
		assertThat(this.meters.get("scalability.requestqueue.rejected").tag("reason", "queue-full").counter().count())
			.isGreaterThanOrEqualTo(1);
		assertThat(this.meters.get("scalability.requestqueue.wait").tag("priority", "medium").timer().count())
			.isGreaterThanOrEqualTo(2);
	}

	@Test
	void underMemoryPressureLowPriorityIsRefusedWhileOthersAreServed() {
		this.heap.set(0.95);
		await().atMost(QueueTestApplication.SOON).until(() -> this.queue.snapshot().memoryPressure());
		assertRefused(this.http.getNow("/low/block?name=low"), "memory-pressure");
		this.gates.openAll();
		assertThat(this.http.getNow("/block?name=medium").statusCode()).isEqualTo(200);
		assertThat(this.http.getNow("/high/block?name=high").statusCode()).isEqualTo(200);
		JsonNode queue = HttpTestClient.json(this.http.getNow("/actuator/requestqueue"));
		assertThat(queue.get("memory").get("pressure").asBoolean()).isTrue();
		this.heap.set(0.5);
		await().atMost(QueueTestApplication.SOON)
			.until(() -> this.http.getNow("/low/block?name=low-again").statusCode() == 200);
	}

	@Test
	void theBreakerOpensOnServerErrorsAndClosesAgainByItself() {
		for (int i = 0; i < 4; i++) {
			assertThat(this.http.getNow("/fail").statusCode()).isEqualTo(500);
		}
		HttpResponse<String> refused = this.http.getNow("/sleep?ms=0");
		assertRefused(refused, "circuit-open");
		assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
		// High priority still gets through, and health checks are not queued at all.
		assertThat(this.http.getNow("/high/sleep?ms=0").statusCode()).isEqualTo(200);
		assertThat(this.http.getNow("/actuator/health").statusCode()).isEqualTo(200);
		JsonNode health = HttpTestClient.json(this.http.getNow("/actuator/health"));
		assertThat(health.get("components").get("requestQueue").get("details").get("breaker").asString())
			.isEqualTo("OPEN");
		await().atMost(QueueTestApplication.SOON).until(() -> this.http.getNow("/sleep?ms=0").statusCode() == 200);
		for (int i = 0; i < 4; i++) {
			this.http.getNow("/sleep?ms=0");
		}
		assertThat(this.queue.snapshot().breakerState()).isEqualTo("CLOSED");
	}

	private static void assertRefused(HttpResponse<String> response, String reason) {
		assertThat(response.statusCode()).isEqualTo(503);
		assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
		assertThat(response.headers().firstValue("Retry-After"))
			.hasValueSatisfying((seconds) -> assertThat(Long.parseLong(seconds)).isPositive());
		assertThat(HttpTestClient.json(response).get("reason").asString()).isEqualTo(reason);
	}

}
