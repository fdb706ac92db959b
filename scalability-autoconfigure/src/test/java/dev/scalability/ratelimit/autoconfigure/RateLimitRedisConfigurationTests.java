package dev.scalability.ratelimit.autoconfigure;

import java.util.Map;

import dev.scalability.autoconfigure.InvalidPropertyException;
import dev.scalability.autoconfigure.RedisBackendUnavailableException;
import dev.scalability.autoconfigure.ScalabilityAutoConfiguration;
import dev.scalability.ratelimit.FailMode;
import dev.scalability.ratelimit.RateLimitDecision;
import dev.scalability.ratelimit.RateLimiterService;
import dev.scalability.ratelimit.RateLimiterUnavailableException;
import dev.scalability.ratelimit.health.RateLimitHealthIndicator;
import dev.scalability.ratelimit.redis.FailoverRateLimiter;
import dev.scalability.test.redis.UnreachableRedis;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Rate limiting set to Redis without a usable Redis: down, not configured, the wrong
 * client, a wrong prefix. Nothing here needs a Redis server.
 */
class RateLimitRedisConfigurationTests {

	private static final String RULE = "scalability.rate-limit.rules[0].";

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ScalabilityAutoConfiguration.class, RateLimitAutoConfiguration.class))
		.withPropertyValues(RULE + "name=ai", RULE + "paths=/api/ai/**", RULE + "limit=2", RULE + "window=1h");

	private ApplicationContextRunner onRedis() {
		return this.contextRunner.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class))
			.withPropertyValues("scalability.rate-limit.backend=redis", "scalability.redis.warm-up-timeout=100ms");
	}

	@Test
	@SuppressWarnings("unchecked")
	void unreachableRedisLeavesTheServiceUpButDegradedWhateverTheFailMode() {
		onRedis().withPropertyValues(UnreachableRedis.springProperties()).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(FailoverRateLimiter.class).failMode()).isEqualTo(FailMode.LOCAL);
			Health health = context.getBean(RateLimitHealthIndicator.class).health(true);
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsEntry("degraded", true);
			assertThat((Map<String, Object>) health.getDetails().get("redis")).containsEntry("status", "DOWN");
			RateLimitDecision decision = context.getBean(RateLimiterService.class).tryAcquire("ai", "k");
			assertThat(decision.source()).isEqualTo(RateLimitDecision.Source.FALLBACK);
		});
		onRedis().withPropertyValues(UnreachableRedis.springProperties())
			.withPropertyValues("scalability.rate-limit.fail-mode=closed")
			.run((context) -> {
				assertThatExceptionOfType(RateLimiterUnavailableException.class)
					.isThrownBy(() -> context.getBean(RateLimiterService.class).tryAcquire("ai", "k"));
				Health health = context.getBean(RateLimitHealthIndicator.class).health(true);
				// Only the limited routes refuse: the instance keeps serving the rest.
				assertThat(health.getStatus()).isEqualTo(Status.UP);
				assertThat(health.getDetails()).containsEntry("degraded", true).containsEntry("failMode", "closed");
			});
	}

	@Test
	void redisBackendWithoutRedisConnectionIsExplained() {
		this.contextRunner.withPropertyValues("scalability.rate-limit.backend=redis")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.isInstanceOf(RedisBackendUnavailableException.class)
				.hasMessageContaining("scalability.rate-limit.backend=redis"));
	}

	@Test
	void jedisIsRefusedAtStartUpSinceItsWaitsCannotBeBounded() {
		onRedis().withPropertyValues(UnreachableRedis.springProperties())
			.withPropertyValues("spring.data.redis.client-type=jedis")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOf(RedisBackendUnavailableException.class)
				.hasMessageContaining("scalability.rate-limit.backend")
				.hasMessageContaining("not a LettuceConnectionFactory"));
	}

	@Test
	void aKeyPrefixWithABraceIsRefusedNamingTheProperty() {
		onRedis().withPropertyValues(UnreachableRedis.springProperties())
			.withPropertyValues("scalability.redis.key-prefix=app{1}:")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOf(InvalidPropertyException.class)
				.hasMessageContaining("scalability.redis.key-prefix"));
	}

	@Test
	void outOfRangeRedisSettingsAreRefusedNamingTheProperty() {
		onRedis().withPropertyValues(UnreachableRedis.springProperties())
			.withPropertyValues("scalability.rate-limit.redis.circuit-breaker.failure-rate=150")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOf(InvalidPropertyException.class)
				.hasMessageContaining("scalability.rate-limit.redis.circuit-breaker.failure-rate"));
		onRedis().withPropertyValues(UnreachableRedis.springProperties())
			.withPropertyValues("scalability.redis.timeout=0ms")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOf(InvalidPropertyException.class)
				.hasMessageContaining("scalability.redis.timeout"));
	}

	@Test
	void theMemoryBackendNeverTouchesRedisEvenWithAConnectionFactory() {
		this.contextRunner.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class))
			.withPropertyValues(UnreachableRedis.springProperties())
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(dev.scalability.redis.RedisConnectionProbe.class)
				.doesNotHaveBean(dev.scalability.redis.RedisConnector.class)
				.doesNotHaveBean(dev.scalability.redis.InstanceRegistry.class));
	}

}
