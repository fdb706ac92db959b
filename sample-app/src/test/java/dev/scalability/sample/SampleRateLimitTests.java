package dev.scalability.sample;

import java.net.http.HttpResponse;

import dev.scalability.test.time.ManualClock;
import dev.scalability.test.web.HttpTestClient;
import dev.scalability.time.MonotonicClock;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.annotation.DirtiesContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample's rate-limited endpoints, as its yml configures them, on the memory backend,
 * on a clock that stands still: no window rolls in the middle of a test.
 */
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_EACH_TEST_METHOD)
@Import(SampleRateLimitTests.StandingClock.class)
class SampleRateLimitTests extends SampleWithoutRedis {

	@Test
	void aiCompletionsAllowTenAMinutePerClient() {
		for (int i = 0; i < 10; i++) {
			HttpResponse<String> allowed = this.http.post("/api/ai/complete", "{\"prompt\":\"hi\"}");
			assertThat(allowed.statusCode()).isEqualTo(200);
			assertThat(allowed.headers().firstValue("RateLimit-Policy")).hasValue("\"ai\";q=10;w=60");
		}
		HttpResponse<String> refused = this.http.post("/api/ai/complete", "{\"prompt\":\"hi\"}");
		assertThat(refused.statusCode()).isEqualTo(429);
		assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
		// The next request fits once the ten weigh less than nine: within 66 s.
		assertThat(refused.headers().firstValue("Retry-After")).hasValueSatisfying(
				(seconds) -> assertThat(Long.parseLong(seconds)).isBetween(1L, 66L));
		assertThat(refused.headers().firstValue("RateLimit")).hasValueSatisfying(
				(value) -> assertThat(value).startsWith("\"ai\";r=0;t="));
		JsonNode problem = HttpTestClient.json(refused);
		assertThat(problem.path("type").asString())
			.isEqualTo("https://iana.org/assignments/http-problem-types#quota-exceeded");
		assertThat(problem.path("status").asInt()).isEqualTo(429);
	}

	@Test
	void loginsAllowTwentyPerFifteenMinutesPerClient() {
		for (int i = 0; i < 20; i++) {
			assertThat(this.http.post("/api/auth/login", "{\"username\":\"u\",\"password\":\"p\"}").statusCode())
				.isEqualTo(200);
		}
		HttpResponse<String> refused = this.http.post("/api/auth/login", "{\"username\":\"u\",\"password\":\"p\"}");
		assertThat(refused.statusCode()).isEqualTo(429);
		assertThat(refused.headers().firstValue("RateLimit-Policy")).hasValue("\"login\";q=20;w=900");
	}

	@Test
	void uploadsAllowFiveAMinutePerClient() {
		for (int i = 0; i < 5; i++) {
			assertThat(this.http.post("/api/upload", "{}").statusCode()).isEqualTo(200);
		}
		HttpResponse<String> refused = this.http.post("/api/upload", "{}");
		assertThat(refused.statusCode()).isEqualTo(429);
		assertThat(refused.headers().firstValue("Retry-After")).hasValueSatisfying(
				(seconds) -> assertThat(Long.parseLong(seconds)).isBetween(1L, 12L));
	}

	@Test
	void unlimitedEndpointsCarryNoRateLimitHeaders() {
		for (int i = 0; i < 30; i++) {
			HttpResponse<String> hello = this.http.get("/api/hello");
			assertThat(hello.statusCode()).isEqualTo(200);
			assertThat(hello.headers().firstValue("RateLimit")).isEmpty();
		}
	}

	@Test
	void decisionsShowInPrometheusAndTheSnapshot() {
		this.http.post("/api/upload", "{}");
		assertThat(this.http.get("/actuator/prometheus").body())
			.contains("scalability_ratelimit_decisions_total{application=\"scalability-sample\",outcome=\"allowed\",rule=\"upload\"} 1.0");
		JsonNode snapshot = HttpTestClient.json(this.http.get("/actuator/scalability"));
		assertThat(snapshot.path("rateLimit").path("backend").asString()).isEqualTo("memory");
		assertThat(snapshot.path("rateLimit").path("rules")).hasSize(3);
		JsonNode health = HttpTestClient.json(this.http.get("/actuator/health"));
		assertThat(health.path("components").path("rateLimit").path("status").asString()).isEqualTo("UP");
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class StandingClock {

		@Bean
		MonotonicClock standingClock() {
			return new ManualClock()::nanos;
		}

	}

}
