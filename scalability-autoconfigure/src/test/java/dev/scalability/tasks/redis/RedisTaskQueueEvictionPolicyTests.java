package dev.scalability.tasks.redis;

import java.time.Duration;
import java.util.Map;

import dev.scalability.delivery.Backoff;
import dev.scalability.delivery.JacksonPayloadCodec;
import dev.scalability.delivery.RetryPolicy;
import dev.scalability.redis.RedisKeys;
import dev.scalability.redis.TestGuards;
import dev.scalability.tasks.TaskQueueSettings;
import dev.scalability.test.redis.PrivateRedis;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A Redis that may evict keys can drop tasks: the queue says so when it starts, and in
 * its details, and keeps quiet on a Redis that refuses writes instead.
 */
@ExtendWith(OutputCaptureExtension.class)
class RedisTaskQueueEvictionPolicyTests {

	private static final Duration WAIT = Duration.ofSeconds(15);

	private PrivateRedis redis;

	private RedisTaskQueue queue;

	@AfterEach
	void stop() {
		if (this.queue != null) {
			this.queue.stop(WAIT);
		}
		if (this.redis != null) {
			this.redis.close();
		}
	}

	@Test
	void aQueueOnARedisThatEvictsKeysWarnsWhenItStarts(CapturedOutput output) {
		this.queue = startedQueue("--maxmemory-policy", "volatile-lru");
		await().atMost(WAIT).until(() -> output.getOut().contains("maxmemory-policy volatile-lru"));
		assertThat(output.getOut()).contains("the task queue can lose tasks")
			.contains("Set maxmemory-policy noeviction");
		assertThat(this.queue.details()).containsEntry("maxmemoryPolicy", "volatile-lru");
	}

	@Test
	void aQueueOnARedisThatRefusesWritesWhenFullDoesNotWarn(CapturedOutput output) {
		this.queue = startedQueue("--maxmemory-policy", "noeviction");
		await().atMost(WAIT).until(() -> "noeviction".equals(this.queue.details().get("maxmemoryPolicy")));
		assertThat(output.getOut()).doesNotContain("Redis evicts keys");
	}

	private RedisTaskQueue startedQueue(String... redisArgs) {
		this.redis = PrivateRedis.start(redisArgs);
		TaskQueueSettings settings = new TaskQueueSettings(
				new RetryPolicy(3, Backoff.exponential(Duration.ofMillis(10), Duration.ofMillis(50))), Map.of(), 2,
				Duration.ofMinutes(5), 100);
		RedisTaskQueue started = new RedisTaskQueue(settings,
				RedisTaskQueueSettings.of("instance-1", Duration.ofSeconds(30)),
				TestGuards.bounded(this.redis.connectionFactory(), Duration.ofSeconds(2)), new RedisKeys("eviction:"),
				new JacksonPayloadCodec(JsonMapper.builder().build()));
		started.start();
		return started;
	}

}
