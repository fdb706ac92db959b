package dev.scalability.health.alerts;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Alerts POSTed to a real HTTP server: the JSON it gets, retries of what failed, no retry
 * of what it refused, and a caller that never waits for it.
 */
class WebhookAlertChannelTests {

	private HttpServer server;

	private final List<String> bodies = new CopyOnWriteArrayList<>();

	private final AtomicInteger failuresLeft = new AtomicInteger();

	private volatile int failureStatus = 503;

	private final CountDownLatch release = new CountDownLatch(1);

	private volatile boolean hang;

	private final Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();

	private WebhookAlertChannel channel;

	@BeforeEach
	void start() throws IOException {
		this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		this.server.createContext("/alerts", (exchange) -> {
			byte[] body = exchange.getRequestBody().readAllBytes();
			this.bodies.add(new String(body, StandardCharsets.UTF_8) + " auth=" + exchange.getRequestHeaders()
				.getFirst("Authorization"));
			if (this.hang) {
				try {
					this.release.await(30, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
			int status = (this.failuresLeft.getAndDecrement() > 0) ? this.failureStatus : 204;
			exchange.sendResponseHeaders(status, -1);
			exchange.close();
		});
		this.server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
		this.server.start();
		this.channel = new WebhookAlertChannel(
				URI.create("http://127.0.0.1:" + this.server.getAddress().getPort() + "/alerts"), Duration.ofMillis(500),
				2, Duration.ofMillis(50), Map.of("Authorization", "Bearer token"),
				JsonMapper.builder().build()::writeValueAsBytes, new AlertObserver() {

					@Override
					public void notified(String channel, String outcome) {
						WebhookAlertChannelTests.this.outcomes.computeIfAbsent(outcome, (key) -> new LongAdder())
							.increment();
					}

				});
	}

	@AfterEach
	void stop() {
		this.release.countDown();
		this.channel.close();
		this.server.stop(0);
	}

	@Test
	void anAlertArrivesAsJsonWithTheConfiguredHeaders() {
		this.channel.send(notification());
		await().atMost(Duration.ofSeconds(10)).until(() -> outcome("sent") == 1);
		assertThat(this.bodies).singleElement()
			.asString()
			.contains("\"alert\":\"errors\"", "\"state\":\"firing\"", "\"severity\":\"critical\"",
					"\"value\":\"10.0%\"", "auth=Bearer token");
	}

	@Test
	void anAnswerOf5xxIsRetriedWithBackoffUntilItGoesThrough() {
		this.failuresLeft.set(2);
		this.channel.send(notification());
		await().atMost(Duration.ofSeconds(10)).until(() -> outcome("sent") == 1);
		assertThat(this.bodies).hasSize(3);
	}

	@Test
	void aRefusalIsNotRetried() {
		this.failuresLeft.set(1);
		this.failureStatus = 400;
		this.channel.send(notification());
		await().atMost(Duration.ofSeconds(10)).until(() -> outcome("failed") == 1);
		assertThat(this.bodies).hasSize(1);
	}

	@Test
	void aReceiverThatNeverAnswersCostsTheCallerNothingAndGivesUpAfterItsRetries() {
		this.hang = true;
		this.channel.send(notification());
		assertThat(outcome("sent") + outcome("failed")).as("send returned before any answer").isZero();
		await().atMost(Duration.ofSeconds(20)).until(() -> outcome("failed") == 1);
		assertThat(this.bodies).hasSize(3);
	}

	private long outcome(String outcome) {
		LongAdder count = this.outcomes.get(outcome);
		return (count != null) ? count.sum() : 0;
	}

	private static AlertNotification notification() {
		Instant now = Instant.parse("2026-01-01T00:00:00Z");
		return new AlertNotification("errors", "firing", "critical", "error-rate", "10.0%", "5.0%", now, now,
				"Too many errors", "instance-1", 1);
	}

}
