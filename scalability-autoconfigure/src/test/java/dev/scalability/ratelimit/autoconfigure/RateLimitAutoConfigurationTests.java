package dev.scalability.ratelimit.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import dev.scalability.autoconfigure.RedisBackendUnavailableException;
import dev.scalability.autoconfigure.ScalabilityAutoConfiguration;
import dev.scalability.ratelimit.FailMode;
import dev.scalability.ratelimit.FailoverRateLimiter;
import dev.scalability.ratelimit.RateLimit;
import dev.scalability.ratelimit.RateLimitAlgorithm;
import dev.scalability.ratelimit.RateLimitDecision;
import dev.scalability.ratelimit.RateLimitObserver;
import dev.scalability.ratelimit.RateLimitPolicy;
import dev.scalability.ratelimit.RateLimiter;
import dev.scalability.ratelimit.RateLimiterService;
import dev.scalability.ratelimit.actuate.RateLimitSnapshotContributor;
import dev.scalability.ratelimit.health.RateLimitHealthIndicator;
import dev.scalability.ratelimit.memory.MemoryRateLimiter;
import dev.scalability.ratelimit.web.RateLimitFilter;
import dev.scalability.ratelimit.web.RuleIndex;
import dev.scalability.test.redis.RedisEndpoint;
import dev.scalability.test.redis.RedisTest;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.FilterRegistrationBean;

import static org.assertj.core.api.Assertions.assertThat;

@RedisTest
class RateLimitAutoConfigurationTests {

	private static final String RULE = "scalability.rate-limit.rules[0].";

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ScalabilityAutoConfiguration.class, RateLimitAutoConfiguration.class))
		.withPropertyValues(RULE + "name=ai", RULE + "paths=/api/ai/**", RULE + "limit=2", RULE + "window=1h");

	@Test
	void memoryBackendIsTheDefault() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasNotFailed()
				.hasSingleBean(MemoryRateLimiter.class)
				.hasSingleBean(RateLimiterService.class)
				.hasSingleBean(RuleIndex.class)
				.hasSingleBean(RateLimitHealthIndicator.class)
				.hasSingleBean(RateLimitSnapshotContributor.class)
				.doesNotHaveBean(FailoverRateLimiter.class);
			RateLimiterService service = context.getBean(RateLimiterService.class);
			assertThat(service.tryAcquire("ai", "k").allowed()).isTrue();
			assertThat(service.tryAcquire("ai", "k").allowed()).isTrue();
			assertThat(service.tryAcquire("ai", "k").allowed()).isFalse();
		});
	}

	@Test
	void rateLimitingCanBeSwitchedOffAloneOrWithTheStarter() {
		this.contextRunner.withPropertyValues("scalability.rate-limit.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(RateLimiterService.class));
		this.contextRunner.withPropertyValues("scalability.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(RateLimiterService.class));
	}

	@Test
	void theFilterIsRegisteredInWebApplicationsAfterSpringSecurity() {
		new WebApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(ScalabilityAutoConfiguration.class, RateLimitAutoConfiguration.class))
			.run((context) -> {
				FilterRegistrationBean<?> registration = context.getBean("rateLimitFilter", FilterRegistrationBean.class);
				assertThat(registration.getFilter()).isInstanceOf(RateLimitFilter.class);
				assertThat(registration.getOrder()).isEqualTo(-90).isGreaterThan(-100);
			});
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(ScalabilityAutoConfiguration.class, RateLimitAutoConfiguration.class))
			.run((context) -> assertThat(context).doesNotHaveBean("rateLimitFilter"));
	}

	@Test
	void filterOrderCanBeChanged() {
		new WebApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(ScalabilityAutoConfiguration.class, RateLimitAutoConfiguration.class))
			.withPropertyValues("scalability.rate-limit.filter-order=5")
			.run((context) -> assertThat(context.getBean("rateLimitFilter", FilterRegistrationBean.class).getOrder())
				.isEqualTo(5));
	}

	@Test
	void userDefinedLimiterAndServiceReplaceTheDefaults() {
		RateLimiter custom = (policy, key, permits, mode) -> new RateLimitDecision(true, policy, 0, 42, 0, 0,
				RateLimitDecision.Source.BACKEND);
		this.contextRunner.withBean("customLimiter", RateLimiter.class, () -> custom).run((context) -> {
			assertThat(context).doesNotHaveBean(MemoryRateLimiter.class);
			assertThat(context.getBean(RateLimiterService.class).tryAcquire("ai", "k").remaining()).isEqualTo(42);
		});
		RateLimiterService service = new RateLimiterService(custom, List.of(), RateLimitObserver.NONE);
		this.contextRunner.withBean(RateLimiterService.class, () -> service)
			.run((context) -> assertThat(context.getBean(RateLimiterService.class)).isSameAs(service));
	}

	@Test
	void decisionsAreCountedByRuleAndOutcome() {
		this.contextRunner.withBean(MeterRegistry.class, SimpleMeterRegistry::new).run((context) -> {
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.get("scalability.ratelimit.decisions").tags("rule", "ai", "outcome", "allowed")
				.counter()
				.count()).isZero();
			RateLimiterService service = context.getBean(RateLimiterService.class);
			for (int i = 0; i < 3; i++) {
				service.tryAcquire("ai", "k");
			}
			assertThat(registry.get("scalability.ratelimit.decisions").tags("rule", "ai", "outcome", "allowed")
				.counter()
				.count()).isEqualTo(2);
			assertThat(registry.get("scalability.ratelimit.decisions").tags("rule", "ai", "outcome", "rejected")
				.counter()
				.count()).isEqualTo(1);
		});
	}

	@Test
	void trackedKeysAreAGauge() {
		this.contextRunner.withBean(MeterRegistry.class, SimpleMeterRegistry::new).run((context) -> {
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			context.getBeansOfType(MeterBinder.class)
				.values()
				.forEach((binder) -> binder.bindTo(registry));
			RateLimiterService service = context.getBean(RateLimiterService.class);
			service.tryAcquire("ai", "a");
			service.tryAcquire("ai", "b");
			((MemoryRateLimiter) service.limiter()).cleanUp();
			assertThat(registry.get("scalability.ratelimit.keys").gauge().value()).isEqualTo(2);
		});
	}

	@Test
	@SuppressWarnings("unchecked")
	void snapshotDescribesBackendAndRules() {
		this.contextRunner.run((context) -> {
			Map<String, Object> snapshot = (Map<String, Object>) context.getBean(RateLimitSnapshotContributor.class)
				.snapshot();
			assertThat(snapshot).containsEntry("backend", "memory").containsKey("trackedKeys");
			List<Map<String, Object>> rules = (List<Map<String, Object>>) snapshot.get("rules");
			assertThat(rules).singleElement().satisfies((rule) -> {
				assertThat(rule).containsEntry("name", "ai")
					.containsEntry("algorithm", "token-bucket")
					.containsEntry("paths", List.of("/api/ai/**"));
				assertThat((List<Map<String, Object>>) rule.get("limits")).singleElement()
					.satisfies((limit) -> assertThat(limit).containsEntry("limit", 2L).containsEntry("window", "PT1H"));
			});
		});
	}

	@Test
	void memoryHealthIsUp() {
		this.contextRunner.run((context) -> {
			Health health = context.getBean(RateLimitHealthIndicator.class).health(true);
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsEntry("backend", "memory");
		});
	}

	private ApplicationContextRunner onRedis() {
		return this.contextRunner.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class))
			.withPropertyValues("scalability.rate-limit.backend=redis",
					"scalability.redis.key-prefix=autoconfig-" + System.nanoTime() + ":");
	}

	@Test
	void redisBackendSharesLimitsBetweenApplications(RedisEndpoint redis) {
		ApplicationContextRunner runner = onRedis().withPropertyValues(redis.springProperties());
		runner.run((first) -> runner.run((second) -> {
			assertThat(first).hasSingleBean(FailoverRateLimiter.class).doesNotHaveBean(MemoryRateLimiter.class);
			RateLimiterService one = first.getBean(RateLimiterService.class);
			RateLimiterService two = second.getBean(RateLimiterService.class);
			assertThat(one.tryAcquire("ai", "shared").source()).isEqualTo(RateLimitDecision.Source.BACKEND);
			assertThat(two.tryAcquire("ai", "shared").allowed()).isTrue();
			assertThat(one.tryAcquire("ai", "shared").allowed()).isFalse();
			Health health = first.getBean(RateLimitHealthIndicator.class).health(true);
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsEntry("backend", "redis")
				.containsEntry("redis", "UP")
				.containsEntry("failMode", "local");
		}));
	}

	@Test
	void unreachableRedisLeavesTheServiceUpButDegradedUnlessFailModeIsClosed() {
		onRedis().withPropertyValues("spring.data.redis.port=1").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(FailoverRateLimiter.class).failMode()).isEqualTo(FailMode.LOCAL);
			Health health = context.getBean(RateLimitHealthIndicator.class).health(true);
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsEntry("redis", "DOWN").containsEntry("degraded", true);
			RateLimitDecision decision = context.getBean(RateLimiterService.class).tryAcquire("ai", "k");
			assertThat(decision.source()).isEqualTo(RateLimitDecision.Source.FALLBACK);
		});
		onRedis().withPropertyValues("spring.data.redis.port=1", "scalability.rate-limit.fail-mode=closed")
			.run((context) -> assertThat(context.getBean(RateLimitHealthIndicator.class).health(true).getStatus())
				.isEqualTo(Status.DOWN));
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
	void ruleLimitsAreCompiledFromProperties() {
		this.contextRunner
			.withPropertyValues("scalability.rate-limit.rules[1].name=api", "scalability.rate-limit.rules[1].limits[0].limit=100",
					"scalability.rate-limit.rules[1].limits[0].window=1s", "scalability.rate-limit.rules[1].limits[1].limit=10000",
					"scalability.rate-limit.rules[1].limits[1].window=1h", "scalability.rate-limit.rules[1].algorithm=sliding-window",
					"scalability.rate-limit.rules[1].penalty.after=3", "scalability.rate-limit.rules[1].penalty.block=5m",
					"scalability.rate-limit.rules[1].penalty.max-block=1h")
			.run((context) -> {
				RateLimitPolicy api = context.getBean(RateLimiterService.class).policy("api").orElseThrow();
				assertThat(api.algorithm()).isEqualTo(RateLimitAlgorithm.SLIDING_WINDOW);
				assertThat(api.limits()).containsExactly(RateLimit.of(100, Duration.ofSeconds(1)),
						RateLimit.of(10000, Duration.ofHours(1)));
				assertThat(api.penalty().block()).isEqualTo(Duration.ofMinutes(5));
				assertThat(api.penalty().maxBlock()).isEqualTo(Duration.ofHours(1));
			});
	}

}
