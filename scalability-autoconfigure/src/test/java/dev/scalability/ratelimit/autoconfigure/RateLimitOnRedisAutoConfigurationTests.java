package dev.scalability.ratelimit.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import dev.scalability.autoconfigure.RedisWarmUpLifecycle;
import dev.scalability.autoconfigure.ScalabilityAutoConfiguration;
import dev.scalability.ratelimit.AcquireMode;
import dev.scalability.ratelimit.RateLimit;
import dev.scalability.ratelimit.RateLimitAlgorithm;
import dev.scalability.ratelimit.RateLimitDecision;
import dev.scalability.ratelimit.RateLimitKey;
import dev.scalability.ratelimit.RateLimitPolicy;
import dev.scalability.ratelimit.RateLimiterService;
import dev.scalability.ratelimit.health.RateLimitHealthIndicator;
import dev.scalability.ratelimit.memory.MemoryRateLimiter;
import dev.scalability.ratelimit.redis.FailoverRateLimiter;
import dev.scalability.ratelimit.redis.RedisRateLimiter;
import dev.scalability.ratelimit.redis.RedisRateLimiterScripts;
import dev.scalability.redis.RedisConnector;
import dev.scalability.test.redis.RedisEndpoint;
import dev.scalability.test.redis.RedisTest;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.springboot.circuitbreaker.autoconfigure.CircuitBreakerAutoConfiguration;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.web.server.context.WebServerApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Rate limiting's auto-configuration on a real Redis: limits shared between applications,
 * health, and the breaker in the application's Resilience4j registry.
 */
@RedisTest
class RateLimitOnRedisAutoConfigurationTests {

	private static final String RULE = "scalability.rate-limit.rules[0].";

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ScalabilityAutoConfiguration.class, RateLimitAutoConfiguration.class,
				DataRedisAutoConfiguration.class))
		.withPropertyValues(RULE + "name=ai", RULE + "paths=/api/ai/**", RULE + "limit=2", RULE + "window=1h",
				"scalability.rate-limit.backend=redis",
				"scalability.redis.key-prefix=autoconfig-" + System.nanoTime() + ":");

	@Test
	@SuppressWarnings("unchecked")
	void aHotKeyOfAFixedWindowDecidesFromLeasesAndMetersAndHealthSayHowMuch(RedisEndpoint redis) {
		this.contextRunner.withPropertyValues(redis.springProperties())
			.withBean(io.micrometer.core.instrument.MeterRegistry.class,
					io.micrometer.core.instrument.simple.SimpleMeterRegistry::new)
			.withPropertyValues(RULE + "algorithm=fixed-window", RULE + "limit=100000")
			.run((context) -> {
				RateLimiterService service = context.getBean(RateLimiterService.class);
				for (int i = 0; i < 500; i++) {
					assertThat(service.tryAcquire("ai", "tenant-1").allowed()).isTrue();
				}
				io.micrometer.core.instrument.simple.SimpleMeterRegistry meters = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
				context.getBean("rateLimitLeaseMetrics", io.micrometer.core.instrument.binder.MeterBinder.class)
					.bindTo(meters);
				double leased = meters.get("scalability.ratelimit.leased").tag("rule", "ai").functionCounter().count();
				double calls = meters.get("scalability.ratelimit.redis.calls").tag("rule", "ai").functionCounter().count();
				assertThat(leased).isGreaterThan(400);
				assertThat(calls).isLessThan(100);
				Map<String, Object> details = context.getBean(RateLimitHealthIndicator.class).health(true).getDetails();
				assertThat(details).containsKey("leases");
				assertThat(details.get("leases").toString()).doesNotContain("tenant-1");
			});
		this.contextRunner.withPropertyValues(redis.springProperties())
			.withBean(io.micrometer.core.instrument.MeterRegistry.class,
					io.micrometer.core.instrument.simple.SimpleMeterRegistry::new)
			.withPropertyValues(RULE + "algorithm=fixed-window", RULE + "limit=100000", RULE + "leases=off")
			.run((context) -> {
				RateLimiterService service = context.getBean(RateLimiterService.class);
				for (int i = 0; i < 100; i++) {
					service.tryAcquire("ai", "tenant-1");
				}
				io.micrometer.core.instrument.simple.SimpleMeterRegistry meters = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
				context.getBean("rateLimitLeaseMetrics", io.micrometer.core.instrument.binder.MeterBinder.class)
					.bindTo(meters);
				assertThat(meters.find("scalability.ratelimit.leased").functionCounters()).as("a rule with leases off")
					.isEmpty();
			});
	}

	@Test
	@SuppressWarnings("unchecked")
	void redisBackendSharesLimitsBetweenApplications(RedisEndpoint redis) {
		ApplicationContextRunner runner = this.contextRunner.withPropertyValues(redis.springProperties());
		runner.run((first) -> runner.run((second) -> {
			assertThat(first).hasSingleBean(FailoverRateLimiter.class).doesNotHaveBean(MemoryRateLimiter.class);
			RateLimiterService one = first.getBean(RateLimiterService.class);
			RateLimiterService two = second.getBean(RateLimiterService.class);
			assertThat(one.tryAcquire("ai", "shared").source()).isEqualTo(RateLimitDecision.Source.BACKEND);
			assertThat(two.tryAcquire("ai", "shared").allowed()).isTrue();
			assertThat(one.tryAcquire("ai", "shared").allowed()).isFalse();
			Health health = first.getBean(RateLimitHealthIndicator.class).health(true);
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsEntry("backend", "redis").containsEntry("failMode", "local");
			assertThat((Map<String, Object>) health.getDetails().get("redis")).containsEntry("status", "UP")
				.containsKey("maxmemoryPolicy");
		}));
	}

	@Test
	void aFreshInstanceIsConnectedAndHasItsScriptsLoadedBeforeItTakesTrafficAndIsNotFloodedIntoItsFallback(
			RedisEndpoint redis) {
		this.contextRunner.withPropertyValues(redis.springProperties()).run((context) -> {
			assertThat(context.getBean(RedisConnector.class).isConnected()).isTrue();
			RedisRateLimiter limiter = context.getBean(FailoverRateLimiter.class).redis();
			List<Boolean> loaded = limiter.redis()
				.call((commands) -> commands.scriptExists(RedisRateLimiterScripts.shas()));
			assertThat(loaded).containsOnly(true);
			assertThat(context.getBean(RedisWarmUpLifecycle.class).getPhase()).as("before the web server starts")
				.isLessThan(WebServerApplicationContext.START_STOP_LIFECYCLE_PHASE);
			RateLimiterService service = context.getBean(RateLimiterService.class);
			RateLimitPolicy unlimited = RateLimitPolicy.of("flood", RateLimitAlgorithm.TOKEN_BUCKET,
					RateLimit.of(1_000_000, Duration.ofSeconds(1)));
			AtomicInteger fallbacks = new AtomicInteger();
			ExecutorService callers = Executors.newFixedThreadPool(32);
			try {
				List<Future<?>> done = new ArrayList<>();
				for (int caller = 0; caller < 32; caller++) {
					done.add(callers.submit(() -> {
						for (int i = 0; i < 20; i++) {
							if (service.acquire(unlimited, RateLimitKey.application("hot"), 1, AcquireMode.ACQUIRE)
								.source() == RateLimitDecision.Source.FALLBACK) {
								fallbacks.incrementAndGet();
							}
						}
					}));
				}
				for (Future<?> future : done) {
					future.get();
				}
			}
			finally {
				callers.shutdownNow();
			}
			assertThat(fallbacks).hasValue(0);
			assertThat(limiter.redis().circuitBreaker().getState()).isEqualTo(CircuitBreaker.State.CLOSED);
		});
	}

	@Test
	void theBreakerIsCreatedInResilience4jsOwnRegistry(RedisEndpoint redis) {
		this.contextRunner.withPropertyValues(redis.springProperties())
			.withConfiguration(AutoConfigurations.of(CircuitBreakerAutoConfiguration.class))
			.run((context) -> {
				assertThat(context).hasSingleBean(CircuitBreakerRegistry.class);
				CircuitBreakerRegistry registry = context.getBean(CircuitBreakerRegistry.class);
				assertThat(registry.find("scalability-rate-limit")).isPresent();
				assertThat(registry.find("scalability-rate-limit").get())
					.isSameAs(context.getBean(FailoverRateLimiter.class).redis().redis().circuitBreaker());
			});
	}

	@Test
	void aFeaturesOwnRedisSettingsOverrideTheSharedOnes(RedisEndpoint redis) {
		this.contextRunner.withPropertyValues(redis.springProperties())
			.withPropertyValues("scalability.redis.timeout=300ms", "scalability.redis.circuit-breaker.open-for=11s",
					"scalability.redis.circuit-breaker.window=40",
					"scalability.rate-limit.redis.circuit-breaker.open-for=7s")
			.run((context) -> {
				FailoverRateLimiter limiter = context.getBean(FailoverRateLimiter.class);
				CircuitBreaker breaker = limiter.redis().redis().circuitBreaker();
				assertThat(limiter.redis().redis().timeout()).isEqualTo(Duration.ofMillis(300));
				assertThat(breaker.getCircuitBreakerConfig().getSlidingWindowSize()).isEqualTo(40);
				assertThat(breaker.getCircuitBreakerConfig().getWaitIntervalFunctionInOpenState().apply(1))
					.isEqualTo(7_000L);
			});
		this.contextRunner.withPropertyValues(redis.springProperties())
			.withPropertyValues("scalability.rate-limit.redis.timeout=50ms")
			.run((context) -> assertThat(context.getBean(FailoverRateLimiter.class).redis().redis().timeout())
				.isEqualTo(Duration.ofMillis(50)));
	}

}
