package dev.scalability.ratelimit.redis;

import java.time.Duration;
import java.util.UUID;

import dev.scalability.ratelimit.RateLimiter;
import dev.scalability.ratelimit.RateLimiterBehaviourTests;
import dev.scalability.redis.RedisKeys;
import dev.scalability.redis.TestGuards;
import dev.scalability.test.redis.LettuceFactories;
import dev.scalability.test.redis.RedisEndpoint;
import dev.scalability.test.redis.RedisTest;
import dev.scalability.test.redis.TestRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

@RedisTest
class RedisRateLimiterBehaviourTests extends RateLimiterBehaviourTests {

	private static LettuceConnectionFactory connectionFactory;

	@BeforeAll
	static void connect() {
		RedisEndpoint redis = TestRedis.requireShared();
		connectionFactory = LettuceFactories.standalone(redis);
	}

	@AfterAll
	static void disconnect() {
		connectionFactory.destroy();
	}

	@Override
	protected RateLimiter limiter() {
		return new RedisRateLimiter(TestGuards.bounded(connectionFactory, Duration.ofSeconds(2)), new RedisKeys("test:" + UUID.randomUUID() + ":"), this.clock::micros);
	}

}
