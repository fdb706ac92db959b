package dev.scalability.autoconfigure;

import java.time.Duration;

import dev.scalability.redis.RedisConnectionProbe;
import dev.scalability.redis.RedisConnector;
import dev.scalability.test.redis.UnreachableRedis;
import dev.scalability.time.MonotonicClock;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

class ScalabilityAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ScalabilityAutoConfiguration.class));

	private final ApplicationContextRunner withSpringDataRedis = this.contextRunner
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class));

	@Test
	void starterSwitchedOffConfiguresNothing() {
		this.withSpringDataRedis.withPropertyValues("scalability.enabled=false", "scalability.backend=redis")
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(ScalabilityProperties.class)
				.doesNotHaveBean(RedisConnectionProbe.class));
	}

	@Test
	void memoryBackendIsTheDefaultAndNeedsNoRedis() {
		this.contextRunner.withClassLoader(new FilteredClassLoader("org.springframework.data.redis"))
			.run((context) -> {
				assertThat(context).hasNotFailed().hasSingleBean(ScalabilityProperties.class);
				assertThat(context.getBean(ScalabilityProperties.class).getBackend()).isEqualTo(Backend.MEMORY);
				assertThat(context.getBean(ScalabilityProperties.class).getRedis().getKeyPrefix())
					.isEqualTo("scalability:");
			});
	}

	@Test
	void redisBackendWithoutSpringDataRedisFailsWithAnExplanationNamingTheProperty() {
		this.contextRunner.withClassLoader(new FilteredClassLoader("org.springframework.data.redis"))
			.withPropertyValues("scalability.backend=redis")
			.run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("'scalability.backend' is set to 'redis'")
					.contains("Spring Data Redis is not on the class path");
				assertThat(analysis.getAction()).contains("spring-boot-starter-data-redis")
					.contains("spring.data.redis.")
					.contains("'scalability.backend' to 'memory'");
			});
	}

	@Test
	void redisBackendWithoutConnectionFactoryFailsWithAnExplanationNamingTheProperty() {
		this.contextRunner.withPropertyValues("scalability.backend=redis").run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains("'scalability.backend' is set to 'redis'")
				.contains("no RedisConnectionFactory bean");
			assertThat(analysis.getAction()).contains("spring.data.redis.")
				.contains("define a RedisConnectionFactory bean");
		});
	}

	@Test
	void featureBackendSelectingRedisIsTheOneNamed() {
		this.contextRunner.withPropertyValues("scalability.rate-limit.backend=redis").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(analyze(context.getStartupFailure()).getDescription())
				.contains("'scalability.rate-limit.backend' is set to 'redis'");
		});
	}

	@Test
	void redisBackendWithoutResilience4jFailsWithAnExplanationNamingTheProperty() {
		this.withSpringDataRedis.withClassLoader(new FilteredClassLoader("io.github.resilience4j"))
			.withPropertyValues("scalability.backend=redis")
			.run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("'scalability.backend' is set to 'redis'")
					.contains("circuit breaker");
				assertThat(analysis.getAction()).contains("resilience4j-circuitbreaker");
			});
	}

	@Test
	void theSharedBackendSelectsNothingWhenEveryFeatureSetsItsOwn() {
		this.contextRunner.withClassLoader(new FilteredClassLoader("org.springframework.data.redis"))
			.withPropertyValues("scalability.backend=redis", "scalability.rate-limit.backend=memory",
					"scalability.cache.backend=memory", "scalability.events.backend=memory",
					"scalability.tasks.backend=memory")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(RedisConnector.class));
	}

	@Test
	void disabledFeatureOnRedisDoesNotRequireRedis() {
		this.contextRunner
			.withPropertyValues("scalability.rate-limit.backend=redis", "scalability.rate-limit.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void redisDownAtStartUpDoesNotStopTheApplication() {
		this.withSpringDataRedis
			.withPropertyValues("scalability.backend=redis", "scalability.redis.warm-up-timeout=200ms")
			.withPropertyValues(UnreachableRedis.springProperties())
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(RedisConnectionProbe.class).probe().reachable()).isFalse();
			});
	}

	@Test
	void nothingTalksToRedisWhenNoFeatureUsesIt() {
		this.withSpringDataRedis.withPropertyValues(UnreachableRedis.springProperties())
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(RedisConnector.class)
				.doesNotHaveBean(RedisConnectionProbe.class));
	}

	@Test
	void userDefinedProbeAndClockReplaceTheDefaults() {
		MonotonicClock clock = () -> 42;
		this.withSpringDataRedis.withPropertyValues("scalability.backend=redis")
			.withPropertyValues(UnreachableRedis.springProperties())
			.withBean("customProbe", RedisConnectionProbe.class,
					() -> new RedisConnectionProbe(null, Duration.ofSeconds(1), Duration.ofMillis(100)))
			.withBean(MonotonicClock.class, () -> clock)
			.run((context) -> {
				assertThat(context).getBean(RedisConnectionProbe.class).isSameAs(context.getBean("customProbe"));
				assertThat(context).getBean(MonotonicClock.class).isSameAs(clock);
			});
	}

	private static FailureAnalysis analyze(Throwable failure) {
		Throwable cause = failure;
		while (cause != null && !(cause instanceof RedisBackendUnavailableException)) {
			cause = cause.getCause();
		}
		assertThat(cause).as("startup failure caused by RedisBackendUnavailableException").isNotNull();
		return new RedisBackendFailureAnalyzer().analyze(failure);
	}

}
