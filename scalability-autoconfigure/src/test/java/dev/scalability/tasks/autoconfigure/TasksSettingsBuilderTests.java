package dev.scalability.tasks.autoconfigure;

import java.time.Duration;

import dev.scalability.autoconfigure.InvalidPropertyException;
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

}
