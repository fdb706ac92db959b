package dev.scalability.protection.autoconfigure;

import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.scalability.autoconfigure.ConditionalOnScalabilityFeature;
import dev.scalability.autoconfigure.InvalidPropertyException;
import dev.scalability.autoconfigure.ScalabilityAutoConfiguration;
import dev.scalability.permits.RatePermits;
import dev.scalability.protection.CallTimer;
import dev.scalability.protection.ProtectionObserver;
import dev.scalability.protection.ProtectionPolicies;
import dev.scalability.protection.actuate.ProtectionSnapshotContributor;
import dev.scalability.protection.annotation.ProtectedAnnotationBeanPostProcessor;
import dev.scalability.protection.metrics.MicrometerProtectionObserver;
import dev.scalability.protection.web.ProtectingRequestInterceptor;
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
import org.springframework.boot.restclient.RestClientCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Role;
import org.springframework.core.env.Environment;
import org.springframework.web.client.RestClient;
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

	/**
	 * Outbound HTTP: {@code RestClient} calls to the hosts of
	 * {@code scalability.protection.http-clients} run under their policies.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ RestClientCustomizer.class, RestClient.class })
	static class HttpClientsConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "protectingRestClientCustomizer")
		RestClientCustomizer protectingRestClientCustomizer(ProtectionProperties properties,
				ProtectionPolicies policies) {
			Map<String, String> policyByHost = new java.util.LinkedHashMap<>();
			List<ProtectionProperties.HttpClient> clients = properties.getHttpClients();
			for (int i = 0; i < clients.size(); i++) {
				ProtectionProperties.HttpClient client = clients.get(i);
				String property = "scalability.protection.http-clients[" + i + "]";
				if (client.getPolicy() == null || !policies.contains(client.getPolicy())) {
					throw new InvalidPropertyException(property + ".policy", client.getPolicy(),
							"is not a configured policy", "name one of scalability.protection.policies.");
				}
				if (client.getHosts().isEmpty()) {
					throw new InvalidPropertyException(property + ".hosts", null, "is empty",
							"list the hosts whose calls run under the policy, such as bank.example.com.");
				}
				for (String host : client.getHosts()) {
					if (host.isBlank() || host.contains(":") || host.contains("/")) {
						throw new InvalidPropertyException(property + ".hosts", host, "is not a host name",
								"give the host alone, without scheme, port or path, such as bank.example.com.");
					}
					policyByHost.put(host.toLowerCase(java.util.Locale.ROOT), client.getPolicy());
				}
			}
			ProtectingRequestInterceptor interceptor = new ProtectingRequestInterceptor(policyByHost, policies::get);
			return (builder) -> {
				if (!policyByHost.isEmpty()) {
					builder.requestInterceptor(interceptor);
				}
			};
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
