package dev.scalability.ratelimit.autoconfigure;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.github.benmanes.caffeine.cache.Caffeine;
import dev.scalability.autoconfigure.Backend;
import dev.scalability.autoconfigure.BackendSelection;
import dev.scalability.autoconfigure.ConditionalOnScalabilityFeature;
import dev.scalability.autoconfigure.RedisGuards;
import dev.scalability.autoconfigure.ScalabilityAutoConfiguration;
import dev.scalability.ratelimit.RateLimitObserver;
import dev.scalability.ratelimit.RateLimitPolicy;
import dev.scalability.ratelimit.RateLimiter;
import dev.scalability.ratelimit.RateLimiterPermits;
import dev.scalability.ratelimit.RateLimiterService;
import dev.scalability.ratelimit.actuate.RateLimitSnapshotContributor;
import dev.scalability.ratelimit.annotation.RateLimitedAdvisingPostProcessor;
import dev.scalability.ratelimit.annotation.RateLimitedMethodInterceptor;
import dev.scalability.ratelimit.health.RateLimitHealthIndicator;
import dev.scalability.ratelimit.memory.MemoryRateLimiter;
import dev.scalability.ratelimit.metrics.MicrometerRateLimitObserver;
import dev.scalability.ratelimit.redis.FailoverRateLimiter;
import dev.scalability.ratelimit.redis.RateLimitLeases;
import dev.scalability.ratelimit.redis.RedisRateLimiter;
import dev.scalability.redis.InstanceRegistry;
import dev.scalability.redis.RedisConnectionProbe;
import dev.scalability.redis.RedisKeys;
import dev.scalability.time.MonotonicClock;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * Rate limiting from {@code scalability.rate-limit.*}: the limiter on the configured
 * backend, the {@link RateLimiterService}, {@code @RateLimited}, metrics, health and the
 * {@code rateLimit} section of {@code /actuator/scalability}; in a servlet application the
 * filters too ({@link RateLimitServletConfiguration}). Nothing here needs the web.
 */
@AutoConfiguration(after = ScalabilityAutoConfiguration.class,
		afterName = { "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration" })
@ConditionalOnScalabilityFeature("rate-limit")
@ConditionalOnClass(Caffeine.class)
@EnableConfigurationProperties(RateLimitProperties.class)
@Import(RateLimitServletConfiguration.class)
public final class RateLimitAutoConfiguration {

	static final String FEATURE = "rate-limit";

	/**
	 * The rate limiter's permits, for features that limit how fast they work (the task
	 * queue's starts).
	 */
	@Bean
	@ConditionalOnMissingBean
	RateLimiterPermits rateLimiterPermits(RateLimiter rateLimiter) {
		return new RateLimiterPermits(rateLimiter);
	}

	@Bean
	@ConditionalOnMissingBean
	RateLimiterService rateLimiterService(RateLimiter rateLimiter, RateLimitProperties properties,
			ObjectProvider<RateLimitObserver> observer) {
		List<RateLimitPolicy> policies = new RateLimitPoliciesBuilder(properties).policies();
		return new RateLimiterService(rateLimiter, policies, observer.getIfAvailable(() -> RateLimitObserver.NONE));
	}

	@Bean
	@ConditionalOnMissingBean
	static RateLimitedAdvisingPostProcessor rateLimitedAdvisingPostProcessor(
			ObjectProvider<RateLimiterService> service) {
		return new RateLimitedAdvisingPostProcessor(new RateLimitedMethodInterceptor(service::getObject));
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnScalabilityFeature(value = FEATURE, backend = Backend.MEMORY)
	static class MemoryBackendConfiguration {

		@Bean
		@ConditionalOnMissingBean(RateLimiter.class)
		MemoryRateLimiter rateLimiter(RateLimitProperties properties, MonotonicClock clock) {
			return new MemoryRateLimiter(properties.getMaxKeys(), clock);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnScalabilityFeature(value = FEATURE, backend = Backend.REDIS)
	@ConditionalOnClass({ RedisConnectionFactory.class, CircuitBreaker.class })
	static class RedisBackendConfiguration {

		@Bean
		@ConditionalOnMissingBean(RateLimiter.class)
		FailoverRateLimiter rateLimiter(RateLimitProperties properties, RedisGuards guards, RedisKeys keys,
				InstanceRegistry instances, MonotonicClock clock) {
			RedisRateLimiter redis = new RedisRateLimiter(guards.forFeature(FEATURE, properties.getRedis()), keys);
			return new FailoverRateLimiter(redis, properties.getFailMode(),
					new MemoryRateLimiter(properties.getMaxKeys(), clock), instances::instances, leases(properties, redis));
		}

		/**
		 * The leases of hot keys, for the rules whose leases are auto; none when no rule's
		 * are.
		 */
		private static RateLimitLeases leases(RateLimitProperties properties, RedisRateLimiter redis) {
			java.util.Map<String, RateLimitProperties.Leases> byRule = new java.util.HashMap<>();
			properties.getRules()
				.forEach((rule) -> byRule.put(rule.getName(),
						(rule.getLeases() != null) ? rule.getLeases() : properties.getLeases()));
			boolean any = properties.getLeases() == RateLimitProperties.Leases.AUTO
					|| byRule.containsValue(RateLimitProperties.Leases.AUTO);
			if (!any) {
				return null;
			}
			// One refill per key at a time, and at most 1,024 waiting: a refill refused here
			// leaves its key to exact decisions until the next one.
			java.util.concurrent.ExecutorService refills = new java.util.concurrent.ThreadPoolExecutor(1, 1, 0,
					java.util.concurrent.TimeUnit.MILLISECONDS, new java.util.concurrent.ArrayBlockingQueue<>(1_024),
					(task) -> {
						Thread thread = new Thread(task, "scalability-ratelimit-leases");
						thread.setDaemon(true);
						return thread;
					});
			return new RateLimitLeases(redis,
					(policy) -> byRule.getOrDefault(policy.name(), properties.getLeases()) == RateLimitProperties.Leases.AUTO,
					System::nanoTime, refills, Math.min(properties.getMaxKeys(), 10_000));
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterRegistry.class)
	@ConditionalOnBean(MeterRegistry.class)
	static class MetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean(RateLimitObserver.class)
		MicrometerRateLimitObserver rateLimitObserver(MeterRegistry registry, RateLimitProperties properties) {
			MicrometerRateLimitObserver observer = new MicrometerRateLimitObserver(registry);
			new RateLimitPoliciesBuilder(properties).policies().forEach(observer::register);
			return observer;
		}

		/**
		 * {@code scalability.ratelimit.leased{rule}}: decisions served from leased permits,
		 * without a Redis call; {@code scalability.ratelimit.redis.calls{rule}}: the Redis
		 * calls the decisions of a rule that leases took. Their ratio is the Redis calls per
		 * decision.
		 */
		@Bean
		@ConditionalOnMissingBean(name = "rateLimitLeaseMetrics")
		MeterBinder rateLimitLeaseMetrics(RateLimiter rateLimiter) {
			return (registry) -> {
				if (!(rateLimiter instanceof FailoverRateLimiter failover) || failover.leases() == null) {
					return;
				}
				RateLimitLeases leases = failover.leases();
				// Each rule once its first decision goes through the leases, those of
				// @RateLimited methods included.
				leases.onRule((rule) -> {
					io.micrometer.core.instrument.FunctionCounter
						.builder("scalability.ratelimit.leased", leases, (counted) -> counted.counts(rule)[1])
						.description("Rate-limit decisions served from permits leased out of Redis")
						.tag("rule", rule)
						.register(registry);
					io.micrometer.core.instrument.FunctionCounter
						.builder("scalability.ratelimit.redis.calls", leases, (counted) -> counted.counts(rule)[2])
						.description("Redis calls the decisions of a rule that leases took")
						.tag("rule", rule)
						.register(registry);
				});
			};
		}

		@Bean
		@ConditionalOnMissingBean(name = "rateLimitTrackedKeysMetrics")
		MeterBinder rateLimitTrackedKeysMetrics(RateLimiter rateLimiter) {
			return (registry) -> Gauge
				.builder("scalability.ratelimit.keys", rateLimiter,
						(limiter) -> (limiter.trackedKeys() >= 0) ? limiter.trackedKeys() : Double.NaN)
				.description("Keys tracked in memory by the rate limiter (its local fallback on Redis)")
				.register(registry);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(HealthIndicator.class)
	@ConditionalOnEnabledHealthIndicator("ratelimit")
	static class HealthConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "rateLimitHealthIndicator")
		RateLimitHealthIndicator rateLimitHealthIndicator(RateLimiter rateLimiter,
				ObjectProvider<RedisConnectionProbe> probe) {
			return new RateLimitHealthIndicator(rateLimiter, probe.getIfAvailable());
		}

	}

	/**
	 * Rules apply to the requests of servlet applications only: say so in a reactive one,
	 * rather than leave them silently unapplied.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
	static class ReactiveApplicationConfiguration {

		ReactiveApplicationConfiguration(RateLimitProperties properties) {
			if (!properties.getRules().isEmpty()) {
				LogFactory.getLog(RateLimitAutoConfiguration.class)
					.warn("scalability.rate-limit.rules apply to servlet applications only; this reactive "
							+ "application does not pass its requests through them. @RateLimited methods and "
							+ "RateLimiterService work as everywhere.");
			}
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(Endpoint.class)
	static class SnapshotConfiguration {

		@Bean
		@ConditionalOnMissingBean
		RateLimitSnapshotContributor rateLimitSnapshotContributor(RateLimiterService service,
				ObjectProvider<RateLimitRouteDescriptions> routes) {
			RateLimitRouteDescriptions descriptions = routes.getIfAvailable();
			Map<String, Map<String, Object>> described = (descriptions != null) ? descriptions.byRule()
					: new LinkedHashMap<>();
			return new RateLimitSnapshotContributor(service, described);
		}

	}

}
