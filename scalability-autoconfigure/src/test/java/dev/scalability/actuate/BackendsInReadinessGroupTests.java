package dev.scalability.actuate;

import dev.scalability.test.redis.UnreachableRedis;
import dev.scalability.test.web.HttpTestClient;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Configuration;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The backends' health indicators are in the readiness group, never in liveness: a
 * feature that cannot serve without its Redis (rate limiting with fail-mode closed) takes
 * the instance out of rotation but does not get it restarted. A property turns it off.
 */
class BackendsInReadinessGroupTests {

	private static final String[] CLOSED_RATE_LIMIT_ON_A_DEAD_REDIS = { "scalability.rate-limit.backend=redis",
			"scalability.rate-limit.fail-mode=closed", "scalability.redis.warm-up-timeout=100ms",
			"scalability.rate-limit.rules[0].name=api", "scalability.rate-limit.rules[0].paths=/api/**",
			"scalability.rate-limit.rules[0].limit=10", "scalability.rate-limit.rules[0].window=1m",
			"management.endpoint.health.probes.enabled=true", "management.endpoint.health.show-components=always" };

	@DynamicPropertySource
	static void deadRedis(DynamicPropertyRegistry registry) {
		registry.add("spring.data.redis.port", UnreachableRedis::port);
	}

	@Nested
	@SpringBootTest(classes = App.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
			properties = {})
	class ByDefault {

		@LocalServerPort
		int port;

		@DynamicPropertySource
		static void properties(DynamicPropertyRegistry registry) {
			for (String property : CLOSED_RATE_LIMIT_ON_A_DEAD_REDIS) {
				int equals = property.indexOf('=');
				registry.add(property.substring(0, equals), () -> property.substring(equals + 1));
			}
		}

		@Test
		void aBackendThatCannotServeTakesReadinessDownButNotLiveness() {
			HttpTestClient client = new HttpTestClient(this.port);
			assertThat(client.get("/actuator/health/readiness").statusCode()).isEqualTo(503);
			assertThat(client.get("/actuator/health/liveness").statusCode()).isEqualTo(200);
		}

	}

	@Nested
	@SpringBootTest(classes = App.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
			properties = "scalability.health.readiness-group=false")
	class WhenTurnedOff {

		@LocalServerPort
		int port;

		@DynamicPropertySource
		static void properties(DynamicPropertyRegistry registry) {
			for (String property : CLOSED_RATE_LIMIT_ON_A_DEAD_REDIS) {
				int equals = property.indexOf('=');
				registry.add(property.substring(0, equals), () -> property.substring(equals + 1));
			}
		}

		@Test
		void readinessIgnoresTheBackends() {
			HttpTestClient client = new HttpTestClient(this.port);
			assertThat(client.get("/actuator/health/readiness").statusCode()).isEqualTo(200);
			assertThat(client.get("/actuator/health").statusCode()).isEqualTo(503);
			assertThat(client.get("/actuator/health").body()).contains("rateLimit");
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class App {

	}

}
