package dev.scalability.ratelimit.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.scalability.autoconfigure.ScalabilityAutoConfiguration;
import dev.scalability.ratelimit.AcquireMode;
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
import dev.scalability.ratelimit.redis.FailoverRateLimiter;
import dev.scalability.ratelimit.web.RateLimitFilter;
import dev.scalability.ratelimit.web.RateLimitRules;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.FilterRegistrationBean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Rate limiting's auto-configuration on the memory backend: what it defines, what backs
 * off, and what it counts.
 */
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
	void twoFiltersAreRegisteredInWebApplicationsOneOnEachSideOfSpringSecurity() {
		new WebApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(ScalabilityAutoConfiguration.class, RateLimitAutoConfiguration.class))
			.run((context) -> {
				assertThat(context).hasSingleBean(RateLimitRules.class);
				FilterRegistrationBean<?> before = context.getBean("rateLimitFilter", FilterRegistrationBean.class);
				assertThat(before.getFilter()).isInstanceOf(RateLimitFilter.class);
				assertThat(before.getOrder()).isEqualTo(-110).isLessThan(-100);
				FilterRegistrationBean<?> after = context.getBean("rateLimitAuthenticatedFilter",
						FilterRegistrationBean.class);
				assertThat(after.getFilter()).isInstanceOf(RateLimitFilter.class);
				assertThat(after.getOrder()).isEqualTo(-90).isGreaterThan(-100);
			});
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(ScalabilityAutoConfiguration.class, RateLimitAutoConfiguration.class))
			.run((context) -> assertThat(context).doesNotHaveBean("rateLimitFilter")
				.doesNotHaveBean("rateLimitAuthenticatedFilter"));
	}

	@Test
	void aFilterWithNoRuleToCheckStaysOutOfTheServletContainer() {
		WebApplicationContextRunner runner = new WebApplicationContextRunner().withConfiguration(
				AutoConfigurations.of(ScalabilityAutoConfiguration.class, RateLimitAutoConfiguration.class));
		runner.run((context) -> {
			assertThat(context.getBean("rateLimitFilter", FilterRegistrationBean.class).isEnabled()).isFalse();
			assertThat(context.getBean("rateLimitAuthenticatedFilter", FilterRegistrationBean.class).isEnabled())
				.isFalse();
		});
		runner.withPropertyValues("scalability.rate-limit.rules[0].name=api", "scalability.rate-limit.rules[0].paths=/api/**",
				"scalability.rate-limit.rules[0].limit=10", "scalability.rate-limit.rules[0].window=1s")
			.run((context) -> {
				assertThat(context.getBean("rateLimitFilter", FilterRegistrationBean.class).isEnabled()).isTrue();
				assertThat(context.getBean("rateLimitAuthenticatedFilter", FilterRegistrationBean.class).isEnabled())
					.as("no rule keyed by the user").isFalse();
			});
		runner.withPropertyValues("scalability.rate-limit.rules[0].name=api", "scalability.rate-limit.rules[0].paths=/api/**",
				"scalability.rate-limit.rules[0].limit=10", "scalability.rate-limit.rules[0].window=1s",
				"scalability.rate-limit.rules[0].key=user")
			.run((context) -> assertThat(
					context.getBean("rateLimitAuthenticatedFilter", FilterRegistrationBean.class).isEnabled())
				.isTrue());
	}

	@Test
	void filterOrdersCanBeChanged() {
		new WebApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(ScalabilityAutoConfiguration.class, RateLimitAutoConfiguration.class))
			.withPropertyValues("scalability.rate-limit.filter-order=5",
					"scalability.rate-limit.authenticated-filter-order=6")
			.run((context) -> {
				assertThat(context.getBean("rateLimitFilter", FilterRegistrationBean.class).getOrder()).isEqualTo(5);
				assertThat(context.getBean("rateLimitAuthenticatedFilter", FilterRegistrationBean.class).getOrder())
					.isEqualTo(6);
			});
	}

	@Test
	void userDefinedLimiterAndServiceReplaceTheDefaults() {
		RateLimiter custom = new RateLimiter() {

			@Override
			public RateLimitDecision acquire(RateLimitPolicy policy, String key, long permits, AcquireMode mode) {
				return new RateLimitDecision(true, policy, 0, 42, 0, 0, RateLimitDecision.Source.BACKEND);
			}

			@Override
			public String backend() {
				return "custom";
			}

			@Override
			public Map<String, Object> details() {
				return Map.of();
			}

		};
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
		new WebApplicationContextRunner().withConfiguration(AutoConfigurations.of(ScalabilityAutoConfiguration.class,
				RateLimitAutoConfiguration.class))
			.withPropertyValues(RULE + "name=ai", RULE + "paths=/api/ai/**", RULE + "limit=2", RULE + "window=1h")
			.run((context) -> {
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
		this.contextRunner.run((context) -> assertThat(
				(List<Map<String, Object>>) ((Map<String, Object>) context.getBean(RateLimitSnapshotContributor.class)
					.snapshot()).get("rules"))
			.singleElement()
			.satisfies((rule) -> assertThat(rule).containsEntry("name", "ai").doesNotContainKey("paths")));
	}

	@Test
	void memoryHealthIsUp() {
		this.contextRunner.run((context) -> {
			Health health = context.getBean(RateLimitHealthIndicator.class).health(true);
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsEntry("backend", "memory");
		});
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
