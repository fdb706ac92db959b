package dev.scalability.tasks.redis;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import dev.scalability.redis.RedisKeys;
import dev.scalability.redis.TestGuards;
import dev.scalability.tasks.TaskQueueBackend;
import dev.scalability.tasks.TaskQueueBehaviourTests;
import dev.scalability.tasks.TaskQueueSettings;
import dev.scalability.test.redis.LettuceFactories;
import dev.scalability.test.redis.RedisTest;
import dev.scalability.test.redis.TestRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

@RedisTest
class TaskQueueOnRedisBehaviourTests extends TaskQueueBehaviourTests {

	private static LettuceConnectionFactory connectionFactory;

	private final String prefix = "tasks-test:" + UUID.randomUUID() + ":";

	/**
	 * Moves the queue's time forward: Redis's own clock cannot be.
	 */
	private final AtomicLong offsetMillis = new AtomicLong();

	@BeforeAll
	static void connect() {
		connectionFactory = LettuceFactories.standalone(TestRedis.requireShared());
	}

	@AfterAll
	static void disconnect() {
		connectionFactory.destroy();
	}

	@Override
	protected TaskQueueBackend createQueue(TaskQueueSettings settings) {
		return new RedisTaskQueue(settings,
				new RedisTaskQueueSettings("instance-1", Duration.ofSeconds(30), Duration.ofMillis(10),
						this.offsetMillis::get),
				TestGuards.bounded(connectionFactory, Duration.ofSeconds(2)), new RedisKeys(this.prefix), this.codec);
	}

	/**
	 * Records of completed tasks expire with Redis's clock, which tests cannot move: a short
	 * retention, waited for.
	 */
	@Override
	protected TaskQueueSettings settings() {
		TaskQueueSettings settings = super.settings();
		return new TaskQueueSettings(settings.retryPolicy(), settings.concurrency(), settings.defaultConcurrency(),
				Duration.ofSeconds(2), settings.deadLetterRetention());
	}

	@Override
	protected Duration backoffUnit() {
		return Duration.ofSeconds(10);
	}

	@Override
	protected void advance(Duration duration) {
		this.offsetMillis.addAndGet(duration.toMillis());
		super.advance(duration);
	}

}
