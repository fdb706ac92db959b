package dev.scalability.requestqueue.web;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import dev.scalability.requestqueue.Priority;
import dev.scalability.requestqueue.RequestQueue;
import dev.scalability.test.web.HttpTestClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The queue in front of Spring MVC in a real servlet container: waiting requests are
 * suspended, not parked on threads, resumed in priority order, and answered 503 with a
 * reason and {@code Retry-After} when they cannot be served in time. Run on each container
 * by a subclass. The container has 20 threads: a queue that parked threads could not hold
 * more waiting requests than that.
 */
@TestPropertySource(locations = "classpath:requestqueue/servlet-container.properties")
abstract class RequestQueueServletContainerTests {

	@LocalServerPort
	private int port;

	@Autowired
	private RequestQueue queue;

	@Autowired
	private QueueTestApplication.Gates gates;

	private AsyncHttp http;

	@BeforeEach
	void connect() {
		this.http = new AsyncHttp(this.port);
	}

	@AfterEach
	void drain() {
		this.gates.openAll();
		await().atMost(QueueTestApplication.SOON)
			.until(() -> this.queue.running() == 0 && this.queue.snapshot().pendingTotal() == 0);
		this.gates.reset();
	}

	@Test
	void aFreedSlotGoesToTheHighestPriorityWaiterWhateverItsArrival() {
		CompletableFuture<HttpResponse<String>> first = occupy("first");
		CompletableFuture<HttpResponse<String>> second = occupy("second");
		CompletableFuture<HttpResponse<String>> low = waitIn("/low/block?name=low", Priority.LOW, 1);
		CompletableFuture<HttpResponse<String>> medium = waitIn("/block?name=medium", Priority.MEDIUM, 1);
		CompletableFuture<HttpResponse<String>> high = waitIn("/high/block?name=high", Priority.HIGH, 1);
		this.gates.open("first");
		awaitStarted("high");
		this.gates.open("second");
		awaitStarted("medium");
		this.gates.open("high");
		awaitStarted("low");
		this.gates.openAll();
		assertThat(this.gates.started()).containsExactly("first", "second", "high", "medium", "low");
		for (CompletableFuture<HttpResponse<String>> response : List.of(first, second, low, medium, high)) {
			assertThat(response.join().statusCode()).isEqualTo(200);
		}
		assertThat(low.join().body()).isEqualTo("low");
	}

	@Test
	void fiveHundredWaitingRequestsHoldNoThreadsAndAHighPriorityRequestPassesThemAll() {
		CompletableFuture<HttpResponse<String>> first = occupy("first");
		occupy("second");
		List<CompletableFuture<HttpResponse<String>>> waiting = new java.util.ArrayList<>();
		for (int i = 0; i < 500; i++) {
			waiting.add(this.http.get("/block?name=w" + i));
		}
		await().atMost(QueueTestApplication.SOON).until(() -> this.queue.pending(Priority.MEDIUM) == 500);
		// The container's 20 threads are free: a bypassed request is served at once.
		assertThat(this.http.getNow("/bypassed/sleep?ms=0").statusCode()).isEqualTo(200);
		long start = System.nanoTime();
		CompletableFuture<HttpResponse<String>> high = this.http.get("/high/sleep?ms=0");
		await().atMost(QueueTestApplication.SOON).until(() -> this.queue.pending(Priority.HIGH) == 1);
		this.gates.open("first");
		assertThat(high.join().statusCode()).isEqualTo(200);
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
		assertThat(first.join().statusCode()).isEqualTo(200);
		this.gates.openAll();
		for (int i = 0; i < waiting.size(); i++) {
			HttpResponse<String> response = waiting.get(i).join();
			assertThat(response.statusCode()).isEqualTo(200);
			// Resumed with its query string (Jetty drops it when a wrapped request is resumed).
			assertThat(response.body()).isEqualTo("w" + i);
		}
	}

	@Test
	void aRequestThatWaitsPastItsDeadlineGetsA503WithItsReasonAndRetryAfter() {
		occupy("first");
		occupy("second");
		long start = System.nanoTime();
		HttpResponse<String> refused = this.http.getNow("/impatient/block?name=impatient");
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(290))
			.isLessThan(Duration.ofSeconds(5));
		assertThat(refused.statusCode()).isEqualTo(503);
		assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
		assertThat(refused.headers().firstValue("Retry-After")).hasValueSatisfying(
				(seconds) -> assertThat(Long.parseLong(seconds)).isPositive());
		JsonNode problem = HttpTestClient.json(refused);
		assertThat(problem.get("reason").asString()).isEqualTo("wait-timeout");
		assertThat(problem.get("status").asInt()).isEqualTo(503);
		assertThat(problem.get("instance").asString()).isEqualTo("/impatient/block");
		assertThat(this.gates.started()).doesNotContain("impatient");
	}

	@Test
	void aRequestRunningPastItsDeadlineGetsA503AndItsSlotGoesToTheNextRequest() {
		occupy("first");
		long start = System.nanoTime();
		CompletableFuture<HttpResponse<String>> slow = this.http.get("/slow/sleep?ms=3000");
		HttpResponse<String> timedOut = slow.join();
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(2500));
		assertThat(timedOut.statusCode()).isEqualTo(503);
		assertThat(HttpTestClient.json(timedOut).get("reason").asString()).isEqualTo("request-timeout");
		// Its handler runs on and may yet do its work: no invitation to send it again.
		assertThat(timedOut.headers().firstValue("Retry-After")).isEmpty();
		assertThat(timedOut.headers().firstValue("Cache-Control")).hasValue("no-store");
		// The slow handler still sleeps, but its slot serves others already.
		assertThat(this.queue.snapshot().overrunning()).isEqualTo(1);
		HttpResponse<String> next = this.http.getNow("/sleep?ms=0");
		assertThat(next.statusCode()).isEqualTo(200);
		await().atMost(QueueTestApplication.SOON).until(() -> this.queue.snapshot().overrunning() == 0);
	}

	@Test
	void aFormBodyReadBeforeTheQueueReachesTheHandlerOfARequestThatWaited() {
		occupy("first");
		occupy("second");
		CompletableFuture<HttpResponse<String>> form = this.http.putForm("/form", "name=waited");
		await().atMost(QueueTestApplication.SOON).until(() -> this.queue.pending(Priority.MEDIUM) == 1);
		this.gates.openAll();
		HttpResponse<String> response = form.join();
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).isEqualTo("waited");
	}

	@Test
	void anAsynchronousHandlerHoldsItsSlotUntilItCompletes() {
		CompletableFuture<HttpResponse<String>> async = this.http.get("/async?name=async");
		awaitStarted("async");
		assertThat(this.queue.running()).isEqualTo(1);
		this.gates.open("async");
		assertThat(async.join().body()).isEqualTo("async");
		await().atMost(QueueTestApplication.SOON).until(() -> this.queue.running() == 0);
	}

	@Test
	void anAsynchronousHandlerPastItsDeadlineGetsA503() {
		HttpResponse<String> timedOut = this.http.getNow("/slow-async");
		assertThat(timedOut.statusCode()).isEqualTo(503);
	}

	@Test
	void bypassedPathsAreNeverQueued() {
		occupy("first");
		occupy("second");
		waitIn("/block?name=waiting", Priority.MEDIUM, 1);
		assertThat(this.http.getNow("/bypassed/sleep?ms=0").statusCode()).isEqualTo(200);
	}

	@Test
	void theEndpointShowsTheQueue() {
		occupy("first");
		occupy("second");
		waitIn("/low/block?name=waiting", Priority.LOW, 1);
		JsonNode queue = HttpTestClient.json(this.http.getNow("/actuator/requestqueue"));
		assertThat(queue.get("pending").get("low").asInt()).isEqualTo(1);
		assertThat(queue.get("running").asInt()).isEqualTo(2);
		assertThat(queue.get("limit").get("current").asInt()).isEqualTo(2);
		assertThat(queue.get("rejected").has("queue-full")).isTrue();
		assertThat(queue.get("breaker").get("state").asString()).isEqualTo("DISABLED");
		JsonNode snapshot = HttpTestClient.json(this.http.getNow("/actuator/scalability"));
		assertThat(snapshot.get("requestQueue").get("pending").get("low").asInt()).isEqualTo(1);
	}

	private CompletableFuture<HttpResponse<String>> occupy(String name) {
		int running = this.queue.running();
		CompletableFuture<HttpResponse<String>> response = this.http.get("/block?name=" + name);
		await().atMost(QueueTestApplication.SOON).until(() -> this.queue.running() == running + 1);
		awaitStarted(name);
		return response;
	}

	private CompletableFuture<HttpResponse<String>> waitIn(String path, Priority priority, int expected) {
		CompletableFuture<HttpResponse<String>> response = this.http.get(path);
		await().atMost(QueueTestApplication.SOON).until(() -> this.queue.pending(priority) == expected);
		return response;
	}

	private void awaitStarted(String name) {
		await().atMost(QueueTestApplication.SOON).until(() -> this.gates.started().contains(name));
	}

}
