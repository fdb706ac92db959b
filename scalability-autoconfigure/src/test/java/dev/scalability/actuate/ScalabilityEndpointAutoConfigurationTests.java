package dev.scalability.actuate;

import java.util.Map;

import dev.scalability.actuate.autoconfigure.ScalabilityEndpointAutoConfiguration;
import dev.scalability.autoconfigure.ScalabilityAutoConfiguration;
import dev.scalability.test.redis.UnreachableRedis;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

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
	void snapshotShowsNoRedisWhenNoFeatureUsesIt() {
		this.contextRunner.withClassLoader(new FilteredClassLoader("org.springframework.data.redis"))
			.run((context) -> assertThat(backend(context.getBean(ScalabilityEndpoint.class)))
				.containsExactly(Map.entry("default", "memory")));
		this.contextRunner.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class))
			.withPropertyValues(UnreachableRedis.springProperties())
			.run((context) -> assertThat(backend(context.getBean(ScalabilityEndpoint.class)))
				.containsExactly(Map.entry("default", "memory")));
	}

	@Test
	void snapshotReportsRedisDownWithTheReason() {
		this.contextRunner.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class))
			.withPropertyValues("scalability.backend=redis", "scalability.redis.warm-up-timeout=100ms")
			.withPropertyValues(UnreachableRedis.springProperties())
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
