package dev.scalability.ratelimit.autoconfigure;

import java.util.Locale;

import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import dev.scalability.autoconfigure.Backend;
import dev.scalability.autoconfigure.BackendSelection;
import dev.scalability.autoconfigure.ConditionalOnScalabilityFeature;
import dev.scalability.autoconfigure.ScalabilityAutoConfiguration;
import dev.scalability.autoconfigure.ScalabilityProperties;
import dev.scalability.ratelimit.FailoverRateLimiter;
import dev.scalability.ratelimit.RateLimitObserver;
import dev.scalability.ratelimit.RateLimiter;
import dev.scalability.ratelimit.RateLimiterService;
import dev.scalability.ratelimit.actuate.RateLimitSnapshotContributor;
import dev.scalability.ratelimit.annotation.RateLimitedAdvisingPostProcessor;
import dev.scalability.ratelimit.annotation.RateLimitedMethodInterceptor;
import dev.scalability.ratelimit.health.RateLimitHealthIndicator;
import dev.scalability.ratelimit.memory.EpochNanoTicker;
import dev.scalability.ratelimit.memory.MemoryRateLimiter;
import dev.scalability.ratelimit.metrics.MicrometerRateLimitObserver;
import dev.scalability.ratelimit.redis.ConnectionScriptExecutor;
import dev.scalability.ratelimit.redis.LettuceScriptExecutor;
import dev.scalability.ratelimit.redis.RedisRateLimiter;
import dev.scalability.ratelimit.redis.ScriptExecutor;
import dev.scalability.ratelimit.web.ClientIpResolver;
import dev.scalability.ratelimit.web.RateLimitExceptionHandler;
import dev.scalability.ratelimit.web.RateLimitFilter;
import dev.scalability.ratelimit.web.RateLimitHeaders;
import dev.scalability.ratelimit.web.RateLimitRule;
import dev.scalability.ratelimit.web.RuleIndex;
import dev.scalability.redis.RedisConnectionProbe;

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
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.servlet.DispatcherServlet;

/**
 * Rate limiting from {@code scalability.rate-limit.*}: the limiter on the configured
 * backend, the {@link RateLimiterService}, the servlet filter, {@code @RateLimited},
 * metrics, health and the {@code rateLimit} section of {@code /actuator/scalability}.
 */
@AutoConfiguration(after = ScalabilityAutoConfiguration.class,
		afterName = { "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration" })
@ConditionalOnScalabilityFeature("rate-limit")
@ConditionalOnClass(Caffeine.class)
@EnableConfigurationProperties(RateLimitProperties.class)
public final class RateLimitAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	ClientIpResolver rateLimitClientIpResolver(RateLimitProperties properties) {
		return new ClientIpResolver(new RateLimitRulesBuilder(properties).trustedProxies(),
				properties.getClientIp().getHeader());
	}

	@Bean
	@ConditionalOnMissingBean
	RuleIndex rateLimitRuleIndex(RateLimitProperties properties, ClientIpResolver clientIp) {
		RateLimitRulesBuilder builder = new RateLimitRulesBuilder(properties);
		builder.checkGlobals();
		return new RuleIndex(builder.rules(clientIp));
	}

	@Bean
	@ConditionalOnMissingBean
	RateLimiterService rateLimiterService(RateLimiter rateLimiter, RuleIndex rules,
			ObjectProvider<RateLimitObserver> observer) {
		return new RateLimiterService(rateLimiter, rules.rules().stream().map(RateLimitRule::policy).toList(),
				observer.getIfAvailable(() -> RateLimitObserver.NONE));
	}

	@Bean
	@ConditionalOnMissingBean
	static RateLimitedAdvisingPostProcessor rateLimitedAdvisingPostProcessor(
			ObjectProvider<RateLimiterService> service) {
		return new RateLimitedAdvisingPostProcessor(new RateLimitedMethodInterceptor(service::getObject));
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnScalabilityFeature(value = "rate-limit", backend = Backend.MEMORY)
	static class MemoryBackendConfiguration {

		@Bean
		@ConditionalOnMissingBean(RateLimiter.class)
		MemoryRateLimiter rateLimiter(RateLimitProperties properties) {
			return new MemoryRateLimiter(properties.getMaxKeys(), new EpochNanoTicker());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnScalabilityFeature(value = "rate-limit", backend = Backend.REDIS)
	@ConditionalOnClass({ RedisConnectionFactory.class, CircuitBreaker.class })
	static class RedisBackendConfiguration {

		@Bean
		@ConditionalOnMissingBean(RateLimiter.class)
		FailoverRateLimiter rateLimiter(RateLimitProperties properties, ScalabilityProperties scalability,
				RedisConnectionFactory connectionFactory) {
			RedisRateLimiter redis = new RedisRateLimiter(scriptExecutor(properties, connectionFactory),
					scalability.getRedis().getKeyPrefix());
			return new FailoverRateLimiter(redis, circuitBreaker(properties.getRedis().getCircuitBreaker()),
					properties.getFailMode(), new MemoryRateLimiter(properties.getMaxKeys(), new EpochNanoTicker()));
		}

		private static ScriptExecutor scriptExecutor(RateLimitProperties properties,
				RedisConnectionFactory connectionFactory) {
			if (connectionFactory instanceof LettuceConnectionFactory lettuce) {
				SimpleAsyncTaskExecutor connector = new SimpleAsyncTaskExecutor("scalability-rate-limit-connect-");
				connector.setDaemon(true);
				return new LettuceScriptExecutor(lettuce, properties.getRedis().getTimeout(), connector);
			}
			return new ConnectionScriptExecutor(connectionFactory);
		}

		private static CircuitBreaker circuitBreaker(RateLimitProperties.CircuitBreaker properties) {
			CircuitBreakerConfig config = CircuitBreakerConfig.custom()
				.failureRateThreshold(properties.getFailureRate())
				.slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
				.slidingWindowSize(properties.getWindow())
				.minimumNumberOfCalls(Math.min(5, properties.getWindow()))
				.waitDurationInOpenState(properties.getOpenFor())
				.permittedNumberOfCallsInHalfOpenState(3)
				.build();
			return CircuitBreaker.of("scalability-rate-limit", config);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterRegistry.class)
	@ConditionalOnBean(MeterRegistry.class)
	static class MetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean(RateLimitObserver.class)
		MicrometerRateLimitObserver rateLimitObserver(MeterRegistry registry, RuleIndex rules) {
			MicrometerRateLimitObserver observer = new MicrometerRateLimitObserver(registry);
			rules.rules().forEach((rule) -> observer.register(rule.policy()));
			return observer;
		}

		@Bean
		@ConditionalOnMissingBean(name = "rateLimitTrackedKeysMetrics")
		MeterBinder rateLimitTrackedKeysMetrics(RateLimiter rateLimiter) {
			RateLimiter local = (rateLimiter instanceof FailoverRateLimiter failover) ? failover.local() : rateLimiter;
			return (registry) -> Gauge
				.builder("scalability.ratelimit.keys", local,
						(limiter) -> (limiter instanceof MemoryRateLimiter memory) ? memory.trackedKeys() : Double.NaN)
				.description("Keys tracked in memory by the rate limiter (its local fallback on Redis)")
				.register(registry);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
	@ConditionalOnClass(OncePerRequestFilter.class)
	static class ServletConfiguration {

		@Bean
		@ConditionalOnMissingBean
		RateLimitHeaders rateLimitHeaders(RateLimitProperties properties) {
			return new RateLimitHeaders(properties.getHeaders());
		}

		@Bean
		@ConditionalOnMissingBean(name = "rateLimitFilter")
		FilterRegistrationBean<RateLimitFilter> rateLimitFilter(RuleIndex rules, RateLimiterService service,
				RateLimitHeaders headers, RateLimitProperties properties) {
			RateLimitFilter filter = new RateLimitFilter(rules, service, headers,
					properties.getRedis().getCircuitBreaker().getOpenFor().toSeconds());
			FilterRegistrationBean<RateLimitFilter> registration = new FilterRegistrationBean<>(filter);
			registration.setName("rateLimitFilter");
			registration.setOrder(properties.getFilterOrder());
			return registration;
		}

		@Bean
		@ConditionalOnMissingBean
		@ConditionalOnClass(DispatcherServlet.class)
		RateLimitExceptionHandler rateLimitExceptionHandler(RateLimitHeaders headers, RateLimitProperties properties) {
			return new RateLimitExceptionHandler(headers,
					properties.getRedis().getCircuitBreaker().getOpenFor().toSeconds());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(HealthIndicator.class)
	@ConditionalOnEnabledHealthIndicator("rateLimit")
	static class HealthConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "rateLimitHealthIndicator")
		RateLimitHealthIndicator rateLimitHealthIndicator(RateLimiter rateLimiter,
				ObjectProvider<RedisConnectionProbe> probe) {
			return new RateLimitHealthIndicator(rateLimiter, probe.getIfAvailable());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(Endpoint.class)
	static class SnapshotConfiguration {

		@Bean
		@ConditionalOnMissingBean
		RateLimitSnapshotContributor rateLimitSnapshotContributor(RateLimiterService service, RuleIndex rules,
				Environment environment) {
			String backend = BackendSelection.of(environment, "rate-limit").backend().name().toLowerCase(Locale.ROOT);
			return new RateLimitSnapshotContributor(service, rules.rules(), backend);
		}

	}

}
