package dev.scalability.protection.autoconfigure;

import java.util.Map;
import java.util.Set;

import dev.scalability.autoconfigure.ConditionalOnScalabilityFeature;
import dev.scalability.autoconfigure.ScalabilityAutoConfiguration;
import dev.scalability.permits.RatePermits;
import dev.scalability.protection.CallTimer;
import dev.scalability.protection.ProtectionObserver;
import dev.scalability.protection.ProtectionPolicies;
import dev.scalability.protection.actuate.ProtectionSnapshotContributor;
import dev.scalability.protection.annotation.ProtectedAnnotationBeanPostProcessor;
import dev.scalability.protection.metrics.MicrometerProtectionObserver;
import dev.scalability.protection.web.ProtectionExceptionHandler;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedBulkheadMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedRetryMetrics;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Role;
import org.springframework.core.env.Environment;
import org.springframework.web.servlet.DispatcherServlet;

/**
 * Protection policies ({@code scalability.protection.policies}) and the {@code @Protected}
 * methods that run under them. The breakers, bulkheads and retries are Resilience4j's, in
 * the application's registries when it has them (Resilience4j's Spring Boot module), so
 * that its endpoints and meters show them; the rate limits are the rate limiter's.
 */
@AutoConfiguration(after = ScalabilityAutoConfiguration.class,
		afterName = { "dev.scalability.ratelimit.autoconfigure.RateLimitAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
				"io.github.resilience4j.springboot.circuitbreaker.autoconfigure.CircuitBreakerAutoConfiguration",
				"io.github.resilience4j.springboot.bulkhead.autoconfigure.BulkheadAutoConfiguration",
				"io.github.resilience4j.springboot.retry.autoconfigure.RetryAutoConfiguration" })
@ConditionalOnScalabilityFeature(ProtectionAutoConfiguration.FEATURE)
@ConditionalOnClass({ CircuitBreakerRegistry.class, Bulkhead.class, Retry.class })
@EnableConfigurationProperties(ProtectionProperties.class)
public final class ProtectionAutoConfiguration {

	static final String FEATURE = "protection";

	/**
	 * Checks and proxies {@code @Protected} beans. The policies are looked up at the first
	 * call, so that making them (and what they need, Redis included) waits until then; the
	 * names are read from the properties, to check each method while its bean is made.
	 */
	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	@ConditionalOnMissingBean
	static ProtectedAnnotationBeanPostProcessor protectedAnnotationBeanPostProcessor(Environment environment,
			ObjectProvider<ProtectionPolicies> policies) {
		Set<String> names = Binder.get(environment)
			.bind("scalability.protection.policies", Bindable.mapOf(String.class, Object.class))
			.map(Map::keySet)
			.orElse(Set.of());
		return new ProtectedAnnotationBeanPostProcessor((name) -> policies.getObject().get(name), names::contains);
	}

	@Bean
	@ConditionalOnMissingBean
	CallTimer protectionCallTimer() {
		return new CallTimer();
	}

	@Bean
	@ConditionalOnMissingBean
	ProtectionPolicies protectionPolicies(ProtectionProperties properties, CircuitBreakerRegistry circuitBreakers,
			BulkheadRegistry bulkheads, RetryRegistry retries, ObjectProvider<RatePermits> permits, CallTimer timer,
			ObjectProvider<ProtectionObserver> observer) {
		return new ProtectionPolicies(new ProtectionPoliciesBuilder(properties, circuitBreakers, bulkheads, retries,
				permits.getIfAvailable(), timer, observer.getIfAvailable(() -> ProtectionObserver.NONE))
			.build());
	}

	/**
	 * Registries of bulkheads and retries, when the application has none (Resilience4j's
	 * Spring Boot module defines them, and these back off so that its endpoints show ours).
	 */
	@Configuration(proxyBeanMethods = false)
	static class RegistriesConfiguration {

		@Bean
		@ConditionalOnMissingBean
		BulkheadRegistry bulkheadRegistry() {
			return BulkheadRegistry.ofDefaults();
		}

		@Bean
		@ConditionalOnMissingBean
		RetryRegistry retryRegistry() {
			return RetryRegistry.ofDefaults();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ MeterRegistry.class, TaggedBulkheadMetrics.class })
	@ConditionalOnBean(MeterRegistry.class)
	static class MetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean(ProtectionObserver.class)
		MicrometerProtectionObserver protectionObserver(MeterRegistry registry) {
			return new MicrometerProtectionObserver(registry);
		}

		@Bean
		@ConditionalOnMissingBean(name = { "scalabilityBulkheadMetrics", "bulkheadMetricsPublisher" })
		MeterBinder scalabilityBulkheadMetrics(BulkheadRegistry bulkheads) {
			return TaggedBulkheadMetrics.ofBulkheadRegistry(bulkheads);
		}

		@Bean
		@ConditionalOnMissingBean(name = { "scalabilityRetryMetrics", "retryMetricsPublisher" })
		MeterBinder scalabilityRetryMetrics(RetryRegistry retries) {
			return TaggedRetryMetrics.ofRetryRegistry(retries);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
	@ConditionalOnClass(DispatcherServlet.class)
	static class WebConfiguration {

		@Bean
		@ConditionalOnMissingBean
		ProtectionExceptionHandler protectionExceptionHandler() {
			return new ProtectionExceptionHandler();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(Endpoint.class)
	static class EndpointConfiguration {

		@Bean
		@ConditionalOnMissingBean
		ProtectionSnapshotContributor protectionSnapshotContributor(ProtectionPolicies policies) {
			return new ProtectionSnapshotContributor(policies);
		}

	}

}
