package dev.scalability.health.autoconfigure;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import dev.scalability.autoconfigure.ConditionalOnScalabilityFeature;
import dev.scalability.autoconfigure.InvalidPropertyException;
import dev.scalability.autoconfigure.ScalabilityAutoConfiguration;
import dev.scalability.health.Signals;
import dev.scalability.health.Threshold;
import dev.scalability.health.actuate.AlertsSnapshotContributor;
import dev.scalability.health.actuate.ThresholdHealthIndicator;
import dev.scalability.health.alerts.AlertChannel;
import dev.scalability.health.alerts.AlertEvaluator;
import dev.scalability.health.alerts.AlertNotification;
import dev.scalability.health.alerts.LogAlertChannel;
import dev.scalability.health.alerts.WebhookAlertChannel;
import dev.scalability.health.metrics.MicrometerAlertObserver;
import dev.scalability.health.metrics.ServerRequestWindow;
import dev.scalability.health.metrics.ServiceSignals;
import dev.scalability.jvm.HeapUsage;
import dev.scalability.redis.InstanceRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The service's signals (heap, CPU, error rate, latency, pools, breakers, queues), health
 * {@code scalability} over their thresholds, and alert rules evaluated in the application,
 * sent to the log, a webhook and the application's events.
 */
@AutoConfiguration(after = ScalabilityAutoConfiguration.class,
		afterName = { "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
				"org.springframework.boot.health.autoconfigure.actuate.endpoint.HealthEndpointAutoConfiguration" })
@ConditionalOnScalabilityFeature(ScalabilityHealthAutoConfiguration.FEATURE)
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean(MeterRegistry.class)
@EnableConfigurationProperties({ HealthThresholdsProperties.class, AlertsProperties.class })
public final class ScalabilityHealthAutoConfiguration {

	static final String FEATURE = "health";

	static final String REQUESTS = "http.server.requests";

	private static final double[] LATENCY_BUCKETS = java.util.stream.Stream
		.of("5ms", "10ms", "25ms", "50ms", "100ms", "250ms", "500ms", "1s", "2500ms", "5s", "10s", "30s")
		.mapToDouble((bucket) -> org.springframework.boot.convert.DurationStyle.SIMPLE.parse(bucket).toNanos())
		.toArray();

	/**
	 * Histogram buckets on the server's request timers, for the latency signals and the
	 * dashboards' percentiles.
	 */
	@Bean
	@ConditionalOnBooleanProperty(name = "scalability.health.server-latency-histogram", matchIfMissing = true)
	@ConditionalOnMissingBean(name = "scalabilityServerLatencyHistogram")
	static MeterFilter scalabilityServerLatencyHistogram(Environment environment) {
		java.time.Duration window = org.springframework.boot.context.properties.bind.Binder.get(environment)
			.bind("scalability.health.window", java.time.Duration.class)
			.orElse(java.time.Duration.ofMinutes(1));
		DistributionStatisticConfig ours = DistributionStatisticConfig.builder()
			.percentilesHistogram(true)
			.serviceLevelObjectives(LATENCY_BUCKETS)
			.expiry(window)
			.bufferLength(3)
			.build();
		return new MeterFilter() {

			@Override
			public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
				// The buckets of a percentile histogram where the registry keeps them
				// (Prometheus), and a few fixed ones where it keeps no other (the simple
				// registry), rolling over the window there; what the application set wins.
				return id.getName().equals(REQUESTS) ? config.merge(ours) : config;
			}

		};
	}

	@Bean
	@ConditionalOnMissingBean
	ServerRequestWindow serverRequestWindow(MeterRegistry registry, HealthThresholdsProperties properties) {
		InvalidPropertyException.requirePositive("scalability.health.window", properties.getWindow(), "10s");
		InvalidPropertyException.requirePositive("scalability.health.baseline", properties.getBaseline(), "1h");
		return new ServerRequestWindow(registry, properties.getWindow(), properties.getBaseline(), System::nanoTime);
	}

	@Bean
	@ConditionalOnMissingBean
	HealthStatus scalabilityHealthStatus(ObjectProvider<HealthEndpoint> endpoint) {
		return new HealthStatus(endpoint);
	}

	@Bean
	@ConditionalOnMissingBean
	SignalSampling scalabilitySignalSampling(ServerRequestWindow requests, HealthStatus health,
			HealthThresholdsProperties properties) {
		InvalidPropertyException.requirePositive("scalability.health.sample-interval", properties.getSampleInterval(), "10s");
		return new SignalSampling(requests, health, properties.getSampleInterval());
	}

	@Bean
	@ConditionalOnMissingBean
	Signals scalabilitySignals(MeterRegistry registry, ServerRequestWindow requests, HealthStatus health,
			ObjectProvider<HeapUsage> heap, ObjectProvider<CircuitBreakerRegistry> breakers,
			HealthThresholdsProperties properties) {
		CircuitBreakerRegistry breakerRegistry = breakers.getIfAvailable();
		return ServiceSignals.of(registry, requests, heap.getIfAvailable(HeapUsage::jvm),
				(breakerRegistry != null) ? () -> openBreakers(breakerRegistry) : null,
				() -> Double.isNaN(health.up()) ? Double.NaN : 1 - health.up(), properties.getWindow());
	}

	private static double openBreakers(CircuitBreakerRegistry registry) {
		return registry.getAllCircuitBreakers()
			.stream()
			.filter((breaker) -> breaker.getState() == CircuitBreaker.State.OPEN
					|| breaker.getState() == CircuitBreaker.State.FORCED_OPEN)
			.count();
	}

	/**
	 * {@code scalability.health.up}: 1 while the application's health is up, for alerting
	 * from Prometheus.
	 */
	@Bean
	@ConditionalOnMissingBean(name = "scalabilityHealthMeters")
	MeterBinder scalabilityHealthMeters(HealthStatus health) {
		return (registry) -> Gauge.builder("scalability.health.up", health, HealthStatus::up)
			.description("1 while the application's own health is up, 0 while it is down or out of service")
			.register(registry);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(HealthIndicator.class)
	@ConditionalOnEnabledHealthIndicator("scalability")
	static class HealthIndicatorConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "scalabilityHealthIndicator")
		ThresholdHealthIndicator scalabilityHealthIndicator(Signals signals, HealthThresholdsProperties properties) {
			HealthThresholdsProperties.Thresholds limits = properties.getThresholds();
			List<Threshold> thresholds = new ArrayList<>();
			add(thresholds, signals, "heap-after-gc", limits.getHeapAfterGc());
			add(thresholds, signals, "cpu", limits.getCpu());
			add(thresholds, signals, "error-rate", limits.getErrorRate());
			add(thresholds, signals, "p99-latency",
					(limits.getP99Latency() != null) ? limits.getP99Latency().toNanos() / 1e9 : null);
			add(thresholds, signals, "pool-saturation", limits.getPoolSaturation());
			return new ThresholdHealthIndicator(thresholds);
		}

		private static void add(List<Threshold> thresholds, Signals signals, String signal, Double limit) {
			if (limit != null) {
				thresholds.add(new Threshold(signals.find(signal).orElseThrow(), limit));
			}
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBooleanProperty(name = "scalability.alerts.enabled", matchIfMissing = true)
	static class AlertsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		MicrometerAlertObserver scalabilityAlertObserver(MeterRegistry registry) {
			return new MicrometerAlertObserver(registry);
		}

		@Bean
		@ConditionalOnMissingBean
		AlertEvaluator scalabilityAlerts(AlertsProperties properties, Signals signals,
				ObjectProvider<AlertChannel> applicationChannels, MicrometerAlertObserver observer,
				ApplicationEventPublisher events, ObjectProvider<WebhookAlertChannel> webhook,
				ObjectProvider<InstanceRegistry> instances, Environment environment) {
			List<AlertChannel> channels = new ArrayList<>();
			if (properties.isLog()) {
				channels.add(new LogAlertChannel());
			}
			webhook.ifAvailable(channels::add);
			if (properties.isEvents()) {
				channels.add(new AlertChannel() {

					@Override
					public String name() {
						return "events";
					}

					@Override
					public void send(AlertNotification notification) {
						events.publishEvent(notification);
					}

				});
			}
			applicationChannels.orderedStream()
				.filter((channel) -> !(channel instanceof WebhookAlertChannel))
				.forEach(channels::add);
			InvalidPropertyException.requirePositive("scalability.alerts.evaluation-interval", properties.getEvaluationInterval(), "10s");
			// The pod's name on Kubernetes, the same for its whole life; else the instance's.
			InstanceRegistry registry = instances.getIfAvailable();
			String instance = environment.getProperty("HOSTNAME");
			if (instance == null || instance.isBlank()) {
				instance = (registry != null) ? registry.id()
						: environment.getProperty("spring.application.name", "application");
			}
			AlertEvaluator evaluator = new AlertEvaluator(new AlertRulesBuilder(properties, signals).build(), signals,
					channels, observer, Clock.systemUTC(), instance);
			observer.watch(evaluator);
			return evaluator;
		}

		/**
		 * The webhook, a bean of its own so that it stops with the application.
		 */
		@Bean
		@ConditionalOnMissingBean
		@org.springframework.boot.autoconfigure.condition.ConditionalOnProperty(name = "scalability.alerts.webhook.url")
		WebhookAlertChannel scalabilityAlertWebhook(AlertsProperties properties, ObjectProvider<JsonMapper> jsonMapper,
				MicrometerAlertObserver observer) {
			return webhook(properties.getWebhook(), jsonMapper.getIfAvailable(JsonMapper::new), observer);
		}

		private static WebhookAlertChannel webhook(AlertsProperties.Webhook webhook, JsonMapper json,
				MicrometerAlertObserver observer) {
			webhook.getHeaders().keySet().forEach((header) -> {
				if (!WebhookAlertChannel.settable(header)) {
					throw new InvalidPropertyException("scalability.alerts.webhook.headers." + header, null,
							"is a header the HTTP client sets itself", "remove it.");
				}
			});
			String scheme = webhook.getUrl().getScheme();
			if (!"http".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme)) {
				throw new InvalidPropertyException("scalability.alerts.webhook.url", webhook.getUrl(),
						"is not an http or https URL", "give the full URL the alerts are POSTed to.");
			}
			InvalidPropertyException.requirePositive("scalability.alerts.webhook.timeout", webhook.getTimeout(), "5s");
			if (webhook.getRetries() < 0) {
				throw new InvalidPropertyException("scalability.alerts.webhook.retries", webhook.getRetries(),
						"must not be negative", "such as 3.");
			}
			InvalidPropertyException.requirePositive("scalability.alerts.webhook.backoff", webhook.getBackoff(), "1s");
			return new WebhookAlertChannel(webhook.getUrl(), webhook.getTimeout(), webhook.getRetries(),
					webhook.getBackoff(), webhook.getHeaders(), json::writeValueAsBytes, observer);
		}

		@Bean
		@ConditionalOnMissingBean
		AlertEvaluation scalabilityAlertEvaluation(AlertEvaluator alerts, AlertsProperties properties) {
			return new AlertEvaluation(alerts, properties.getEvaluationInterval());
		}

		@Configuration(proxyBeanMethods = false)
		@ConditionalOnClass(Endpoint.class)
		static class EndpointConfiguration {

			@Bean
			@ConditionalOnMissingBean
			AlertsSnapshotContributor alertsSnapshotContributor(AlertEvaluator alerts) {
				return new AlertsSnapshotContributor(alerts);
			}

		}

	}


}
