package dev.scalability.actuate;

import java.util.Map;

import dev.scalability.actuate.autoconfigure.ScalabilityEndpointAutoConfiguration;
import dev.scalability.autoconfigure.ScalabilityAutoConfiguration;
import dev.scalability.test.redis.RedisEndpoint;
import dev.scalability.test.redis.RedisTest;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

@RedisTest
class ScalabilityEndpointAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(ScalabilityAutoConfiguration.class, ScalabilityEndpointAutoConfiguration.class))
		.withPropertyValues("management.endpoints.web.exposure.include=scalability");

	@Test
	void endpointIsNotCreatedUnlessExposed() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(ScalabilityAutoConfiguration.class,
					ScalabilityEndpointAutoConfiguration.class))
			.run((context) -> assertThat(context).doesNotHaveBean(ScalabilityEndpoint.class));
	}

	@Test
	void endpointIsNotCreatedWhenTheStarterIsOff() {
		this.contextRunner.withPropertyValues("scalability.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(ScalabilityEndpoint.class));
	}

	@Test
	void snapshotReportsMemoryBackendAndNoRedis() {
		this.contextRunner.withClassLoader(new FilteredClassLoader("org.springframework.data.redis"))
			.run((context) -> assertThat(backend(context.getBean(ScalabilityEndpoint.class)))
				.containsEntry("default", "memory")
				.containsEntry("redis", Map.of("status", "NOT_CONFIGURED")));
	}

	@Test
	void snapshotReportsRedisUpWhenItAnswers(RedisEndpoint redis) {
		this.contextRunner.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class))
			.withPropertyValues("scalability.backend=redis")
			.withPropertyValues(redis.springProperties())
			.run((context) -> {
				Map<String, Object> backend = backend(context.getBean(ScalabilityEndpoint.class));
				assertThat(backend).containsEntry("default", "redis");
				assertThat(redisSection(backend)).containsEntry("status", "UP").containsKey("latencyMs");
			});
	}

	@Test
	void snapshotReportsRedisDownWithTheReason() {
		this.contextRunner.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class))
			.withPropertyValues("scalability.backend=redis", "spring.data.redis.port=1")
			.run((context) -> {
				Map<String, Object> redis = redisSection(backend(context.getBean(ScalabilityEndpoint.class)));
				assertThat(redis).containsEntry("status", "DOWN");
				assertThat((String) redis.get("error")).isNotBlank();
			});
	}

	@Test
	void featureSectionsAppearUnderTheirNames() {
		this.contextRunner.withBean("demo", ScalabilitySnapshotContributor.class, () -> new ScalabilitySnapshotContributor() {

			@Override
			public String name() {
				return "demo";
			}

			@Override
			public Object snapshot() {
				return Map.of("state", "fine");
			}

		}).run((context) -> assertThat(context.getBean(ScalabilityEndpoint.class).snapshot()).containsKey("backend")
			.containsEntry("demo", Map.of("state", "fine")));
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> backend(ScalabilityEndpoint endpoint) {
		return (Map<String, Object>) endpoint.snapshot().get("backend");
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> redisSection(Map<String, Object> backend) {
		return (Map<String, Object>) backend.get("redis");
	}

}
