package dev.scalability.sample;

import dev.scalability.test.redis.UnreachableRedis;
import dev.scalability.test.web.HttpTestClient;
import org.junit.jupiter.api.BeforeEach;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The sample on its default profile, on a random port, with no Redis anywhere: Spring Data
 * Redis points at a port nothing listens on.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
abstract class SampleWithoutRedis {

	@LocalServerPort
	private int port;

	protected HttpTestClient http;

	@DynamicPropertySource
	static void noRedisAnywhere(DynamicPropertyRegistry registry) {
		int closedPort = UnreachableRedis.port();
		registry.add("spring.data.redis.port", () -> closedPort);
	}

	@BeforeEach
	void client() {
		this.http = new HttpTestClient(this.port);
	}

}
