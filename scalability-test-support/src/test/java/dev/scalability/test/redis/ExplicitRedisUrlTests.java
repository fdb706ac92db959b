package dev.scalability.test.redis;

import java.time.Duration;
import java.util.Map;

import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ExplicitRedisUrlTests {

	@BeforeAll
	static void needsRedisServer() {
		TestRedis.requireRedisServerOnPath();
	}

	@Test
	void theRedisNamedByTheUrlIsTheOneTestsTalkTo() {
		try (RedisServerProcess server = RedisServerProcess.start()) {
			RedisLocator.Inputs inputs = new RedisLocator.Inputs(
					Map.of("SCALABILITY_TEST_REDIS_URL", server.endpoint().url()), Map.of(), (command) -> true,
					(file) -> true, () -> true, () -> true);
			RedisLocator.Launchers nothingElse = new RedisLocator.Launchers() {

				@Override
				public RedisEndpoint startContainer() {
					throw new AssertionError("no container with an explicit URL");
				}

				@Override
				public RedisEndpoint startPrivateServer() {
					throw new AssertionError("no private server with an explicit URL");
				}

			};

			RedisEndpoint located = new RedisLocator(inputs, nothingElse).locate().redis().orElseThrow().endpoint();

			try (StatefulRedisConnection<String, String> connection =
					LettuceTestClients.connect(located, Duration.ofSeconds(2))) {
				assertThat(connection.sync().ping()).isEqualTo("PONG");
				connection.sync().set("explicit-url:marker", "here");
			}
			assertThat(server.info("keyspace").get("db0")).startsWith("keys=1,");
		}
	}

}
