package dev.scalability.tasks.autoconfigure;

import java.time.Duration;

import dev.scalability.autoconfigure.InvalidPropertyException;
import dev.scalability.ratelimit.RateLimiterPermits;
import dev.scalability.ratelimit.memory.MemoryRateLimiter;
import dev.scalability.time.MonotonicClock;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class TasksSettingsBuilderTests {

	@Test
	void aLeaseShorterThanTenRedisTimeoutsIsRefusedNamingTheProperty() {
		TasksProperties properties = new TasksProperties();
		properties.setVisibilityTimeout(Duration.ofSeconds(1));
		assertThatExceptionOfType(InvalidPropertyException.class)
			.isThrownBy(() -> new TasksSettingsBuilder(properties).redisSettings("worker", Duration.ofMillis(200)))
			.withMessageContaining("scalability.tasks.visibility-timeout")
			.withMessageContaining("PT2S");
	}

	@Test
	void aLeaseOfTenRedisTimeoutsIsTaken() {
		TasksProperties properties = new TasksProperties();
		properties.setVisibilityTimeout(Duration.ofSeconds(2));
		assertThat(new TasksSettingsBuilder(properties).redisSettings("worker", Duration.ofMillis(200)).lease())
			.isEqualTo(Duration.ofSeconds(2));
	}

	@Test
	void aPollIntervalOutsideTenMillisecondsToAMinuteIsRefusedNamingTheProperty() {
		for (Duration poll : new Duration[] { Duration.ofMillis(5), Duration.ofMinutes(2) }) {
			TasksProperties properties = new TasksProperties();
			properties.setPollInterval(poll);
			assertThatExceptionOfType(InvalidPropertyException.class)
				.isThrownBy(() -> new TasksSettingsBuilder(properties).redisSettings("worker", Duration.ofMillis(200)))
				.withMessageContaining("scalability.tasks.poll-interval");
		}
	}

	@Test
	void idleWorkersLookAgainAfterTheConfiguredPollInterval() {
		TasksProperties properties = new TasksProperties();
		properties.setPollInterval(Duration.ofMillis(250));
		assertThat(new TasksSettingsBuilder(properties).redisSettings("worker", Duration.ofMillis(200)).poll())
			.isEqualTo(Duration.ofMillis(250));
	}

	@Test
	void aRateLimitOfAQueueSharedThroughRedisIsRefusedWhenTheRateLimiterCountsPerInstance() {
		TasksProperties properties = new TasksProperties();
		TasksProperties.Queue emails = new TasksProperties.Queue();
		emails.getRateLimit().setLimit(10L);
		properties.getQueues().put("emails", emails);
		RateLimiterPermits perInstance = new RateLimiterPermits(new MemoryRateLimiter(1_000, MonotonicClock.system()));
		assertThatExceptionOfType(InvalidPropertyException.class)
			.isThrownBy(() -> new TasksSettingsBuilder(properties).settings(perInstance, true))
			.withMessageContaining("scalability.rate-limit.backend")
			.withMessageContaining("emails");
		assertThat(new TasksSettingsBuilder(properties).settings(perInstance, false).rateLimits().limits("emails"))
			.as("on the memory task queue, one instance is all there is")
			.isTrue();
	}

}
