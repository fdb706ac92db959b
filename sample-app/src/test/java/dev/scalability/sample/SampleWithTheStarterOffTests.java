package dev.scalability.sample;

import org.junit.jupiter.api.Test;

import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample with the starter switched off, the baseline of the overhead benchmarks: it
 * starts and serves, and what needs a feature says that the feature is off.
 */
@TestPropertySource(properties = "scalability.enabled=false")
class SampleWithTheStarterOffTests extends SampleWithoutRedis {

	@Test
	void startsAndServesWithoutAnyFeature() {
		assertThat(this.http.get("/api/hello").statusCode()).isEqualTo(200);
		assertThat(this.http.get("/api/events/stats").statusCode()).isEqualTo(200);
	}

	@Test
	void publishingAnEventAnswersThatTheBusIsOff() {
		assertThat(this.http.post("/api/events/orders.created", "{\"id\":\"order-1\"}").statusCode())
			.isEqualTo(404);
	}

}
