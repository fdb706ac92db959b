package dev.scalability.requestqueue.autoconfigure;

import java.time.Duration;

import dev.scalability.autoconfigure.ConditionalOnScalabilityFeature;
import dev.scalability.autoconfigure.ScalabilityAutoConfiguration;
import dev.scalability.jvm.HeapUsage;
import dev.scalability.requestqueue.RequestQueue;
import dev.scalability.requestqueue.RequestQueueObserver;
import dev.scalability.requestqueue.RequestQueueSweeper;
import dev.scalability.requestqueue.Resilience4jServerErrorBreaker;
import dev.scalability.requestqueue.ServerErrorBreaker;
import dev.scalability.requestqueue.actuate.RequestQueueEndpoint;
import dev.scalability.requestqueue.actuate.RequestQueueSnapshotContributor;
import dev.scalability.requestqueue.health.RequestQueueHealthIndicator;
import dev.scalability.requestqueue.metrics.MicrometerRequestQueueObserver;
import dev.scalability.requestqueue.web.DeadlineAnswers;
import dev.scalability.requestqueue.web.QueueRoute;
import dev.scalability.requestqueue.web.RequestQueueFilter;
import dev.scalability.requestqueue.web.RequestQueueProblems;
import dev.scalability.time.MonotonicClock;
import dev.scalability.web.PathIndex;
import dev.scalability.web.ProblemResponseWriter;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;
import org.springframework.web.util.pattern.PathPattern;

/**
 * The request admission queue of a servlet application, from
 * {@code scalability.request-queue.*}: the queue and its timer, its servlet filter, the
 * server-error breaker (in the application's Resilience4j registry), graceful shutdown,
 * metrics, the {@code requestQueue} health indicator, {@code /actuator/requestqueue} and
 * the {@code requestQueue} section of {@code /actuator/scalability}.
 */
@AutoConfiguration(after = ScalabilityAutoConfiguration.class,
		afterName = { "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
				"io.github.resilience4j.springboot.circuitbreaker.autoconfigure.CircuitBreakerAutoConfiguration" })
@ConditionalOnScalabilityFeature(RequestQueueAutoConfiguration.FEATURE)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({ Filter.class, PathPattern.class, ObjectMapper.class })
@EnableConfigurationProperties(RequestQueueProperties.class)
public final class RequestQueueAutoConfiguration {

	static final String FEATURE = "request-queue";

	/**
	 * How often the timer enforces waits and deadlines.
	 */
	static final Duration SWEEP_PERIOD = Duration.ofMillis(10);

	/**
	 * Spring Security's default filter order ({@code spring.security.filter.order}).
	 */
	static final int SECURITY_FILTER_ORDER = -100;

	/**
	 * The queue. Its {@code shutdown()} is no destroy method: {@link RequestQueueShutdown}
	 * drains it while the web server still runs.
	 */
	@Bean(destroyMethod = "")
	@ConditionalOnMissingBean
	RequestQueue requestQueue(RequestQueueProperties properties, ObjectProvider<ServerErrorBreaker> breaker,
			ObjectProvider<HeapUsage> heapUsage, ObjectProvider<RequestQueueObserver> observer, MonotonicClock clock,
			ResourceLoader resourceLoader) {
		RequestQueueSettingsBuilder builder = new RequestQueueSettingsBuilder(properties);
		return new RequestQueue(builder.settings(), builder.limit(resourceLoader.getClassLoader()), breaker.getIfAvailable(() -> ServerErrorBreaker.NONE),
				heapUsage.getIfAvailable(HeapUsage::jvm), observer.getIfAvailable(() -> RequestQueueObserver.NONE),
				clock);
	}

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	RequestQueueSweeper requestQueueSweeper(RequestQueue queue) {
		return RequestQueueSweeper.start(queue, SWEEP_PERIOD);
	}

	@Bean
	@ConditionalOnMissingBean
	RequestQueueProblems requestQueueProblems(ObjectProvider<JsonMapper> jsonMapper) {
		return new RequestQueueProblems(new ProblemResponseWriter(jsonMapper.getIfAvailable(JsonMapper::new)));
	}

	@Bean
	@ConditionalOnMissingBean(name = "requestQueueFilter")
	FilterRegistrationBean<RequestQueueFilter> requestQueueFilter(RequestQueue queue, RequestQueueProperties properties,
			RequestQueueProblems problems, Environment environment) {
		RequestQueueSettingsBuilder builder = new RequestQueueSettingsBuilder(properties);
		String actuator = environment.getProperty("management.endpoints.web.base-path", "/actuator");
		RequestQueueFilter filter = new RequestQueueFilter(queue, new PathIndex<QueueRoute>(builder.routes()),
				new PathIndex<Boolean>(builder.bypass(actuator)), properties.getDefaultPriority(), problems,
				DeadlineAnswers.newExecutor());
		FilterRegistrationBean<RequestQueueFilter> registration = new FilterRegistrationBean<>(filter);
		registration.setName("requestQueueFilter");
		registration.setOrder((properties.getFilterOrder() != null) ? properties.getFilterOrder()
				: environment.getProperty("spring.security.filter.order", Integer.class, SECURITY_FILTER_ORDER) + 20);
		registration.setDispatcherTypes(DispatcherType.REQUEST, DispatcherType.ASYNC);
		registration.setAsyncSupported(true);
		return registration;
	}

	@Bean
	@ConditionalOnMissingBean
	RequestQueueShutdown requestQueueShutdown(RequestQueue queue, Environment environment) {
		boolean drain = !"immediate".equalsIgnoreCase(environment.getProperty("server.shutdown", "graceful"));
		String timeout = environment.getProperty("spring.lifecycle.timeout-per-shutdown-phase");
		return new RequestQueueShutdown(queue,
				(timeout != null) ? DurationStyle.detectAndParse(timeout) : Duration.ofSeconds(30), drain);
	}

	/**
	 * The server-error breaker, in the application's Resilience4j registry as
	 * {@code scalability-request-queue}, so that Resilience4j's endpoints and metrics show
	 * it.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(CircuitBreaker.class)
	@ConditionalOnBooleanProperty(name = "scalability.request-queue.circuit-breaker.enabled", matchIfMissing = true)
	static class CircuitBreakerConfiguration {

		private static final Log logger = LogFactory.getLog(RequestQueueAutoConfiguration.class);

		@Bean
		@ConditionalOnMissingBean
		ServerErrorBreaker requestQueueServerErrorBreaker(RequestQueueProperties properties,
				ObjectProvider<CircuitBreakerRegistry> registry, MonotonicClock clock) {
			new RequestQueueSettingsBuilder(properties).checkCircuitBreaker();
			RequestQueueProperties.CircuitBreaker settings = properties.getCircuitBreaker();
			CircuitBreakerConfig config = CircuitBreakerConfig.custom()
				.failureRateThreshold(settings.getFailureRate())
				.slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
				.slidingWindowSize(settings.getWindow())
				.minimumNumberOfCalls(settings.getWindow())
				.waitDurationInOpenState(settings.getOpenFor())
				.permittedNumberOfCallsInHalfOpenState(Math.min(10, settings.getWindow()))
				// Slow requests are the queue's business, not the breaker's: uploads of minutes
				// must not open it.
				.slowCallRateThreshold(100)
				.slowCallDurationThreshold(Duration.ofDays(365))
				.build();
			String name = "scalability-" + FEATURE;
			CircuitBreakerRegistry breakers = registry.getIfAvailable();
			if (breakers != null && breakers.find(name).isPresent()) {
				logger.warn("The circuit breaker '" + name + "' already exists in the Resilience4j registry; the "
						+ "request queue uses it with its own settings, not those of "
						+ "scalability.request-queue.circuit-breaker.*");
			}
			CircuitBreaker breaker = (breakers != null) ? breakers.circuitBreaker(name, config)
					: CircuitBreaker.of(name, config);
			return new Resilience4jServerErrorBreaker(breaker, settings.getOpenFor(), clock);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterRegistry.class)
	@ConditionalOnBean(MeterRegistry.class)
	static class MetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean(RequestQueueObserver.class)
		MicrometerRequestQueueObserver requestQueueObserver(MeterRegistry registry) {
			return new MicrometerRequestQueueObserver(registry);
		}

		@Bean
		@ConditionalOnMissingBean(name = "requestQueueMetrics")
		MeterBinder requestQueueMetrics(RequestQueue queue) {
			return (registry) -> MicrometerRequestQueueObserver.bindGauges(queue, registry);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(HealthIndicator.class)
	@ConditionalOnEnabledHealthIndicator("requestqueue")
	static class HealthConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "requestQueueHealthIndicator")
		RequestQueueHealthIndicator requestQueueHealthIndicator(RequestQueue queue) {
			return new RequestQueueHealthIndicator(queue);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(Endpoint.class)
	static class EndpointConfiguration {

		@Bean
		@ConditionalOnMissingBean
		@ConditionalOnAvailableEndpoint
		RequestQueueEndpoint requestQueueEndpoint(RequestQueue queue, RequestQueueProperties properties) {
			return newEndpoint(queue, properties);
		}

		@Bean
		@ConditionalOnMissingBean
		RequestQueueSnapshotContributor requestQueueSnapshotContributor(RequestQueue queue,
				RequestQueueProperties properties) {
			return new RequestQueueSnapshotContributor(newEndpoint(queue, properties));
		}

		private static RequestQueueEndpoint newEndpoint(RequestQueue queue, RequestQueueProperties properties) {
			return new RequestQueueEndpoint(queue, properties.getMinConcurrent(), properties.getMaxConcurrent(),
					properties.getMemoryPressure().getHeapThreshold());
		}

	}

}
