package dev.scalability.events.redis;

import java.time.Duration;

import dev.scalability.delivery.Backoff;
import dev.scalability.delivery.JacksonPayloadCodec;
import dev.scalability.delivery.RetryPolicy;
import dev.scalability.events.EventBusSettings;
import dev.scalability.test.redis.PrivateRedis;
import dev.scalability.time.MonotonicClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A Redis that may evict keys can drop a topic's whole stream: the bus says so when it
 * starts, and in its details, and keeps quiet on a Redis that refuses writes instead.
 */
@ExtendWith(OutputCaptureExtension.class)
class RedisEventBusEvictionPolicyTests {

	private static final Duration WAIT = Duration.ofSeconds(15);

	private PrivateRedis redis;

	private RedisEventBus bus;

	@AfterEach
	void stop() {
		if (this.bus != null) {
			this.bus.stop(WAIT);
		}
		if (this.redis != null) {
			this.redis.close();
		}
	}

	@Test
	void aBusOnARedisThatEvictsKeysWarnsWhenItStarts(CapturedOutput output) {
		this.bus = startedBus("--maxmemory-policy", "allkeys-lru");
		await().atMost(WAIT).until(() -> output.getOut().contains("maxmemory-policy allkeys-lru"));
		assertThat(output.getOut()).contains("Set maxmemory-policy noeviction");
		assertThat(this.bus.details()).containsEntry("maxmemoryPolicy", "allkeys-lru");
	}

	@Test
	void aBusOnARedisThatRefusesWritesWhenFullDoesNotWarn(CapturedOutput output) {
		this.bus = startedBus("--maxmemory-policy", "noeviction");
		await().atMost(WAIT).until(() -> "noeviction".equals(this.bus.details().get("maxmemoryPolicy")));
		assertThat(output.getOut()).doesNotContain("Redis evicts keys");
	}

	private RedisEventBus startedBus(String... redisArgs) {
		this.redis = PrivateRedis.start(redisArgs);
		EventBusSettings settings = new EventBusSettings(
				new RetryPolicy(3, Backoff.exponential(Duration.ofMillis(5), Duration.ofMillis(20))), 1_000, 100, 100);
		RedisEventBus started = RedisEventBuses.bus(this.redis.connectionFactory(), "eviction:", "instance-1",
				settings, Duration.ofSeconds(30), new JacksonPayloadCodec(JsonMapper.builder().build()),
				MonotonicClock.system());
		started.start();
		return started;
	}

}
