package dev.scalability.test.redis;

import java.time.Duration;

import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

@RedisTest
class RedisExtensionTests {

	private final RedisEndpoint constructorInjected;

	RedisExtensionTests(RedisEndpoint constructorInjected) {
		this.constructorInjected = constructorInjected;
	}

	@Test
	void injectsTheSharedRedisWhichAnswersPing(RedisEndpoint redis) {
		assertThat(redis).isEqualTo(TestRedis.shared().orElseThrow()).isEqualTo(this.constructorInjected);
		try (StatefulRedisConnection<String, String> connection =
				LettuceTestClients.connect(redis, Duration.ofSeconds(2))) {
			assertThat(connection.sync().ping()).isEqualTo("PONG");
		}
	}

	@Test
	void sharedPrivateServerIsNeverTheMachinesRedisOnPort6379(RedisEndpoint redis) {
		assumeTrue(TestRedis.sharedSource().orElseThrow() == RedisSource.PRIVATE_SERVER,
				"only a private server's port is chosen here");

		assertThat(redis.port()).isNotEqualTo(6379);
	}

	@Test
	void flushSharedEmptiesTheSharedRedis(RedisEndpoint redis) {
		assumeTrue(TestRedis.sharedSource().orElseThrow() != RedisSource.URL,
				"never flush a Redis someone named explicitly");
		try (StatefulRedisConnection<String, String> connection =
				LettuceTestClients.connect(redis, Duration.ofSeconds(2))) {
			connection.sync().set("extension:flush-me", "1");

			TestRedis.flushShared();

			assertThat(connection.sync().exists("extension:flush-me")).isZero();
		}
	}

}
