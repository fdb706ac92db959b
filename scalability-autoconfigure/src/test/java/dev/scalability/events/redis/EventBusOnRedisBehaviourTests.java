package dev.scalability.events.redis;

import java.time.Duration;
import java.util.UUID;

import dev.scalability.events.EventBusBackend;
import dev.scalability.events.EventBusBehaviourTests;
import dev.scalability.events.EventBusSettings;
import dev.scalability.test.redis.LettuceFactories;
import dev.scalability.test.redis.RedisTest;
import dev.scalability.test.redis.TestRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.awaitility.Awaitility.await;

/**
 * The behaviour suite on the Redis Streams backend, one instance of the application.
 */
@RedisTest
class EventBusOnRedisBehaviourTests extends EventBusBehaviourTests {

	private static LettuceConnectionFactory connectionFactory;

	private final String prefix = "events-test:" + UUID.randomUUID() + ":";

	@BeforeAll
	static void connect() {
		connectionFactory = LettuceFactories.standalone(TestRedis.requireShared());
	}

	@AfterAll
	static void disconnect() {
		connectionFactory.destroy();
	}

	@Override
	protected EventBusBackend createBus(EventBusSettings settings) {
		return RedisEventBuses.bus(connectionFactory, this.prefix, "instance-1", settings, Duration.ofSeconds(30),
				this.codec, this.clock::nanos);
	}

	/**
	 * Redis dates events by its own clock, so ids tell time apart once its next
	 * millisecond has come (the server runs on this machine).
	 */
	@Override
	protected void advanceTime(Duration duration) {
		long now = System.currentTimeMillis();
		await().pollInterval(Duration.ofMillis(1)).until(() -> System.currentTimeMillis() > now + 1);
		super.advanceTime(duration);
	}

}
