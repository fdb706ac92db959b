package dev.scalability.sample;

import java.net.http.HttpResponse;

import dev.scalability.test.web.HttpTestClient;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SamplePaymentsTests extends SampleWithoutRedis {

	@Test
	void aFailingBankIsRetriedThenCutOffByTheBreakerAndChargesAreDeferredWithoutCallingIt() {
		HttpResponse<String> charged = this.http.get("/api/payments/charge?cents=500");
		assertThat(charged.statusCode()).isEqualTo(200);
		assertThat(HttpTestClient.json(charged).path("status").asString()).isEqualTo("charged");
		long calls = bankCalls(charged);
		HttpResponse<String> failed = this.http.get("/api/payments/charge?fail=true");
		assertThat(failed.statusCode()).isEqualTo(502);
		assertThat(bankCalls(failed)).as("three attempts").isEqualTo(calls + 3);
		HttpResponse<String> last = failed;
		for (int i = 0; i < 20 && last.statusCode() == 502; i++) {
			last = this.http.get("/api/payments/charge?fail=true");
		}
		assertThat(last.statusCode()).isEqualTo(200);
		assertThat(HttpTestClient.json(last).path("status").asString()).isEqualTo("deferred");
		assertThat(HttpTestClient.json(last).path("reason").asString()).isEqualTo("circuit_open");
		long cutOff = bankCalls(last);
		HttpResponse<String> deferred = this.http.get("/api/payments/charge?cents=700");
		assertThat(HttpTestClient.json(deferred).path("status").asString()).isEqualTo("deferred");
		assertThat(bankCalls(deferred)).as("the bank is not called while the breaker is open").isEqualTo(cutOff);
		HttpResponse<String> snapshot = this.http.get("/actuator/scalability");
		assertThat(HttpTestClient.json(snapshot).path("protection").path("policies").path("payments")
			.path("circuitBreaker").path("state").asString()).isEqualTo("OPEN");
		HttpResponse<String> breakers = this.http.get("/actuator/prometheus");
		assertThat(breakers.body().lines()).anyMatch((line) -> line.startsWith("scalability_protection_calls_seconds_count")
				&& line.contains("outcome=\"circuit_open\"") && line.contains("policy=\"payments\""));
		assertThat(breakers.body().lines()).anyMatch(
				(line) -> line.startsWith("resilience4j_circuitbreaker_state") && line.contains("name=\"payments\""));
	}

	private static long bankCalls(HttpResponse<String> response) {
		return Long.parseLong(response.headers().firstValue("X-Bank-Calls").orElseThrow());
	}

}
