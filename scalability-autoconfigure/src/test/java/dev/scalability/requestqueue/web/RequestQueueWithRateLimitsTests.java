package dev.scalability.requestqueue.web;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import dev.scalability.requestqueue.Priority;
import dev.scalability.requestqueue.RequestQueue;
import dev.scalability.test.web.HttpTestClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The queue behind Spring Security (HTTP Basic) and a rate limit per user: a request the
 * rate limit refuses never waits; one that waited is charged once; one the queue refuses
 * is charged nothing; a resumed request passes Spring Security again with its user.
 */
@SpringBootTest(classes = QueueTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "test.security=basic", "scalability.request-queue.max-concurrent=1",
				"scalability.request-queue.max-queue=1", "scalability.request-queue.max-wait=30s",
				"scalability.request-queue.standing-queue.target=30s",
				"scalability.rate-limit.rules[0].name=per-user", "scalability.rate-limit.rules[0].paths=/api/limited/**",
				"scalability.rate-limit.rules[0].key=user", "scalability.rate-limit.rules[0].limit=2",
				"scalability.rate-limit.rules[0].window=1h", "scalability.request-queue.routes[0].paths=/api/slow/**",
				"scalability.request-queue.routes[0].timeout=200ms", "scalability.rate-limit.rules[1].name=slow",
				"scalability.rate-limit.rules[1].paths=/api/slow/**", "scalability.rate-limit.rules[1].key=user",
				"scalability.rate-limit.rules[1].limit=1", "scalability.rate-limit.rules[1].window=1h" })
class RequestQueueWithRateLimitsTests {

	private static final String[] ALICE = { "Authorization", HttpTestClient.basic("alice", "secret") };

	private static final String[] BOB = { "Authorization", HttpTestClient.basic("bob", "secret") };

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
	void aRequestThatWaitedIsChargedOnceAndOneTheQueueRefusedIsChargedNothing() {
		CompletableFuture<HttpResponse<String>> running = occupy("running");
		CompletableFuture<HttpResponse<String>> first = this.http.get("/api/limited/block?name=first", ALICE);
		await().atMost(QueueTestApplication.SOON).until(() -> this.queue.pending(Priority.MEDIUM) == 1);
		HttpResponse<String> queueFull = this.http.getNow("/api/limited/block?name=full", ALICE);
		assertThat(queueFull.statusCode()).isEqualTo(503);
		this.gates.openAll();
		assertThat(running.join().statusCode()).isEqualTo(200);
		// Resumed after its wait, it passed Spring Security again as alice.
		assertThat(first.join().statusCode()).isEqualTo(200);
		assertThat(first.join().body()).isEqualTo("first");
		// One permit left: the refused request gave its back, the waiting one took one only.
		assertThat(this.http.getNow("/api/limited/block?name=second", ALICE).statusCode()).isEqualTo(200);
		assertThat(this.http.getNow("/api/limited/block?name=third", ALICE).statusCode()).isEqualTo(429);
	}

	@Test
	void aRequestTheRateLimitRefusesNeverWaitsInTheQueue() {
		this.gates.openAll();
		for (int i = 0; i < 2; i++) {
			assertThat(this.http.getNow("/api/limited/block?name=use-" + i, BOB).statusCode()).isEqualTo(200);
		}
		this.gates.reset();
		occupy("running");
		long rejectedBefore = this.queue.snapshot().rejected().values().stream().mapToLong(Long::longValue).sum();
		long start = System.nanoTime();
		HttpResponse<String> limited = this.http.getNow("/api/limited/block?name=limited", BOB);
		assertThat(limited.statusCode()).isEqualTo(429);
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
		assertThat(this.queue.snapshot().pendingTotal()).isZero();
		assertThat(this.queue.snapshot().rejected().values().stream().mapToLong(Long::longValue).sum())
			.isEqualTo(rejectedBefore);
	}

	@Test
	void aRequestThatRanPastItsDeadlineIsStillCharged() {
		HttpResponse<String> timedOut = this.http.getNow("/api/slow/sleep?ms=600", ALICE);
		assertThat(timedOut.statusCode()).isEqualTo(503);
		assertThat(HttpTestClient.json(timedOut).get("reason").asString()).isEqualTo("request-timeout");
		// It ran, and its handler went on: it used the one permit of the hour.
		assertThat(this.http.getNow("/api/slow/sleep?ms=0", ALICE).statusCode()).isEqualTo(429);
	}

	@Test
	void aRequestWithoutCredentialsIsAnsweredBySpringSecurityWithoutWaiting() {
		occupy("running");
		assertThat(this.http.getNow("/api/block?name=anonymous").statusCode()).isEqualTo(401);
		assertThat(this.queue.snapshot().pendingTotal()).isZero();
	}

	private CompletableFuture<HttpResponse<String>> occupy(String name) {
		CompletableFuture<HttpResponse<String>> response = this.http.get("/api/block?name=" + name, ALICE);
		await().atMost(QueueTestApplication.SOON).until(() -> this.gates.started().contains(name));
		return response;
	}

}
