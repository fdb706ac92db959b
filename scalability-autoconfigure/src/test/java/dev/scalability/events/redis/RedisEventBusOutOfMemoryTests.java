package dev.scalability.events.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import dev.scalability.delivery.Backoff;
import dev.scalability.delivery.JacksonPayloadCodec;
import dev.scalability.delivery.RetryPolicy;
import dev.scalability.events.EventBusSettings;
import dev.scalability.events.EventPublishException;
import dev.scalability.redis.RedisCallException;
import dev.scalability.test.redis.PrivateRedis;
import dev.scalability.time.MonotonicClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.data.redis.connection.RedisConnection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A Redis that is full ({@code maxmemory} with {@code noeviction}) refuses new events: the
 * publisher hears of it, nothing is dropped silently.
 */
class RedisEventBusOutOfMemoryTests {

	private PrivateRedis redis;

	private RedisEventBus bus;

	@BeforeEach
	void start() {
		this.redis = PrivateRedis.start("--maxmemory", "4mb", "--maxmemory-policy", "noeviction");
		EventBusSettings settings = new EventBusSettings(
				new RetryPolicy(3, Backoff.exponential(Duration.ofMillis(5), Duration.ofMillis(20))), 1_000, 100, 100);
		this.bus = RedisEventBuses.bus(this.redis.connectionFactory(), "full:", "instance-1", settings,
				Duration.ofSeconds(30), new JacksonPayloadCodec(JsonMapper.builder().build()), MonotonicClock.system());
	}

	@AfterEach
	void stop() {
		this.redis.close();
	}

	@Test
	void aPublishToAFullRedisThrowsSayingRedisIsOutOfMemory() {
		this.bus.publish("orders", Map.of("order", 1));
		fillRedis();
		// Redis refuses writes once its memory is over the limit, which the next events reach.
		String padding = "x".repeat(16 * 1024);
		assertThatExceptionOfType(EventPublishException.class).isThrownBy(() -> {
			for (int i = 0; i < 1_000; i++) {
				this.bus.publish("orders", Map.of("order", i, "padding", padding));
			}
		})
			.withMessageContaining("orders")
			.withMessageContaining("out_of_memory")
			.withCauseInstanceOf(RedisCallException.class);
	}

	private void fillRedis() {
		byte[] value = new byte[16 * 1024];
		try (RedisConnection connection = this.redis.connectionFactory().getConnection()) {
			for (int i = 0; i < 10_000; i++) {
				try {
					connection.stringCommands().set(("filler:" + i).getBytes(StandardCharsets.UTF_8), value);
				}
				catch (RuntimeException ex) {
					assertThat(ex).hasStackTraceContaining("OOM");
					return;
				}
			}
		}
		throw new AssertionError("Redis never refused a write");
	}

}
