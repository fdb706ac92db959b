package dev.scalability.sample;

import java.net.http.HttpResponse;
import java.time.Duration;

import dev.scalability.test.redis.RedisEndpoint;
import dev.scalability.test.redis.RedisTest;
import dev.scalability.test.redis.TestRedis;
import dev.scalability.test.web.HttpTestClient;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample on the {@code redis} profile, against a private Redis.
 */
@RedisTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("redis")
class SampleApplicationRedisProfileTests {

	@LocalServerPort
	private int port;

	@DynamicPropertySource
	static void redis(DynamicPropertyRegistry registry) {
		RedisEndpoint redis = TestRedis.shared().orElseThrow();
		registry.add("spring.data.redis.host", redis::host);
		registry.add("spring.data.redis.port", redis::port);
	}

	@Test
	void healthIsUpWithRedisIncluded() {
		HttpResponse<String> health = new HttpTestClient(this.port).get("/actuator/health");
		assertThat(health.statusCode()).isEqualTo(200);
		JsonNode body = HttpTestClient.json(health);
		assertThat(body.path("status").asString()).isEqualTo("UP");
		assertThat(body.path("components").path("redis").path("status").asString()).isEqualTo("UP");
	}

	@Test
	void scalabilityEndpointShowsRedisUp() {
		HttpResponse<String> snapshot = new HttpTestClient(this.port).get("/actuator/scalability");
		assertThat(snapshot.statusCode()).isEqualTo(200);
		JsonNode backend = HttpTestClient.json(snapshot).path("backend");
		assertThat(backend.path("default").asString()).isEqualTo("redis");
		assertThat(backend.path("redis").path("status").asString()).isEqualTo("UP");
	}

	@Test
	void rateLimitsAreKeptInRedis() {
		HttpTestClient http = new HttpTestClient(this.port);
		for (int i = 0; i < 5; i++) {
			assertThat(http.post("/api/upload", "{}").statusCode()).isEqualTo(200);
		}
		assertThat(http.post("/api/upload", "{}").statusCode()).isEqualTo(429);
		JsonNode rateLimit = HttpTestClient.json(http.get("/actuator/scalability")).path("rateLimit");
		assertThat(rateLimit.path("backend").asString()).isEqualTo("redis");
		assertThat(rateLimit.path("circuitBreaker").asString()).isEqualTo("CLOSED");
		try (RedisServerKeys keys = new RedisServerKeys(TestRedis.shared().orElseThrow())) {
			assertThat(keys.matching("scalability:rl:{upload:*")).isNotEmpty();
		}
	}

	@Test
	void eventsAreKeptInRedisStreamsAndReachEveryGroup() {
		HttpTestClient http = new HttpTestClient(this.port);
		long billed = handled(http, "billing");
		long shipped = handled(http, "shipping");
		HttpResponse<String> published = http.post("/api/events/orders.created", "{\"id\":\"order-1\",\"total\":42}");
		assertThat(published.statusCode()).isEqualTo(202);
		await().atMost(Duration.ofSeconds(10))
			.until(() -> handled(http, "billing") == billed + 1 && handled(http, "shipping") == shipped + 1);
		JsonNode events = HttpTestClient.json(http.get("/actuator/scalability")).path("events");
		assertThat(events.path("backend").asString()).isEqualTo("redis");
		try (RedisServerKeys keys = new RedisServerKeys(TestRedis.shared().orElseThrow())) {
			assertThat(keys.matching("scalability:events:{orders.created}")).isNotEmpty();
		}
		HttpResponse<String> health = http.get("/actuator/health");
		assertThat(HttpTestClient.json(health).path("components").path("eventBus").path("status").asString())
			.isEqualTo("UP");
	}

	private static long handled(HttpTestClient http, String group) {
		return HttpTestClient.json(http.get("/api/events/stats")).path("orders.created").path(group).asLong();
	}

}
