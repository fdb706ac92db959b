package dev.scalability.actuate;

import dev.scalability.test.web.HttpTestClient;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The backends' health indicators are in the readiness group, never in liveness: a
 * backend that reports down takes the instance out of rotation but does not get it
 * restarted. A property turns it off.
 */
class BackendsInReadinessGroupTests {

	private static final String PROPERTIES = "management.endpoint.health.probes.enabled=true";

	private static final String ADDITIONAL_PATHS = "management.endpoint.health.probes.add-additional-paths=true";

	@Nested
	@SpringBootTest(classes = App.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
			properties = { PROPERTIES, ADDITIONAL_PATHS })
	class ByDefault {

		@LocalServerPort
		int port;

		@Test
		void aBackendThatIsDownTakesReadinessDownButNotLiveness() {
			HttpTestClient client = new HttpTestClient(this.port);
			assertThat(client.get("/actuator/health/readiness").statusCode()).isEqualTo(503);
			assertThat(client.get("/actuator/health/liveness").statusCode()).isEqualTo(200);
		}

		@Test
		void theReadinessGroupKeepsItsAdditionalPath() {
			assertThat(new HttpTestClient(this.port).get("/readyz").statusCode()).isEqualTo(503);
		}

		/**
		 * Spring Security's default chain matches requests against the actuator's endpoints,
		 * additional paths included, through the health groups bean: replacing the readiness
		 * group must not break that matching (it once answered 500 to every request).
		 */
		@Test
		void springSecurityStillMatchesRequestsAgainstTheEndpoints() {
			HttpTestClient client = new HttpTestClient(this.port);
			assertThat(client.get("/not-an-endpoint").statusCode()).isEqualTo(401);
			assertThat(client.get("/actuator/health/liveness").statusCode()).isEqualTo(200);
		}

	}

	@Nested
	@SpringBootTest(classes = App.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
			properties = { PROPERTIES, "scalability.health.readiness-group=false" })
	class WhenTurnedOff {

		@LocalServerPort
		int port;

		@Test
		void readinessIgnoresTheBackends() {
			HttpTestClient client = new HttpTestClient(this.port);
			assertThat(client.get("/actuator/health/readiness").statusCode()).isEqualTo(200);
			assertThat(client.get("/actuator/health").statusCode()).isEqualTo(503);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class App {

		/**
		 * A backend indicator under the name of the rate limiter's, down.
		 */
		@Bean
		HealthIndicator rateLimitHealthIndicator() {
			return () -> Health.down().withDetail("backend", "redis").build();
		}

	}

}
