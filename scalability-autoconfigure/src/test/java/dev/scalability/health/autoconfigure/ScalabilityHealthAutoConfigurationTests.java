package dev.scalability.health.autoconfigure;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.scalability.autoconfigure.ScalabilityAutoConfiguration;
import dev.scalability.health.actuate.AlertsSnapshotContributor;
import dev.scalability.health.actuate.ThresholdHealthIndicator;
import dev.scalability.health.alerts.AlertEvaluator;
import dev.scalability.health.alerts.AlertNotification;
import dev.scalability.jvm.HeapUsage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationListener;
import org.springframework.context.PayloadApplicationEvent;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Health {@code scalability} over the thresholds, and the alert rules: built-in, changed,
 * the application's own, checked at start-up, sent to the application's events.
 */
class ScalabilityHealthAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(ScalabilityAutoConfiguration.class, ScalabilityHealthAutoConfiguration.class))
		.withBean(MeterRegistry.class, SimpleMeterRegistry::new);

	@Test
	void aThresholdExceededMakesTheServiceDegradedButKeepsItUp() {
		// CPU is the machine's: out of the test.
		this.contextRunner.withBean(HeapUsage.class, () -> () -> 0.95)
			.withPropertyValues("scalability.health.thresholds.cpu=1.0")
			.run((context) -> {
			Health health = context.getBean(ThresholdHealthIndicator.class).health(true);
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsEntry("degraded", true)
				.containsEntry("exceeded", List.of("heap-after-gc"));
			assertThat(health.getDetails().get("thresholds")).asInstanceOf(
					org.assertj.core.api.InstanceOfAssertFactories.MAP)
				.containsKeys("heap-after-gc", "cpu", "error-rate", "p99-latency", "pool-saturation");
		});
		this.contextRunner.withBean(HeapUsage.class, () -> () -> 0.5)
			.withPropertyValues("scalability.health.thresholds.cpu=1.0")
			.run((context) -> assertThat(context.getBean(ThresholdHealthIndicator.class).health(true).getDetails())
				.doesNotContainKey("degraded"));
	}

	@Test
	void builtInRulesCanBeChangedOrTurnedOffAndTheApplicationAddsItsOwn() {
		this.contextRunner
			.withPropertyValues("scalability.alerts.rules.dead-letters.above=500",
					"scalability.alerts.rules.latency.enabled=false",
					"scalability.alerts.rules.orders-failing.signal=meter:orders.failed",
					"scalability.alerts.rules.orders-failing.above=3",
					"scalability.alerts.rules.orders-failing.severity=critical")
			.run((context) -> {
				Map<String, Map<String, Object>> rules = context.getBean(AlertEvaluator.class).describe();
				assertThat(rules).containsKeys("unhealthy", "breaker-open", "dead-letters", "queue-rejections",
						"orders-failing")
					.doesNotContainKey("latency");
				assertThat(rules.get("dead-letters")).containsEntry("threshold", "500");
			});
	}

	@Test
	void aFiringAlertIsPublishedAsAnApplicationEventAndShownInTheSnapshotAndMeters() {
		List<AlertNotification> heard = new CopyOnWriteArrayList<>();
		this.contextRunner
			.withPropertyValues("scalability.alerts.rules.orders-failing.signal=meter:orders.failed",
					"scalability.alerts.rules.orders-failing.above=3")
			.withBean("listener", ApplicationListener.class,
					() -> (ApplicationListener<PayloadApplicationEvent<AlertNotification>>) (event) -> heard
						.add(event.getPayload()))
			.run((context) -> {
				MeterRegistry meters = context.getBean(MeterRegistry.class);
				Counter failed = Counter.builder("orders.failed").register(meters);
				context.getBean(AlertEvaluator.class).evaluate();
				failed.increment(5);
				context.getBean(AlertEvaluator.class).evaluate();
				assertThat(heard).singleElement().satisfies((alert) -> {
					assertThat(alert.alert()).isEqualTo("orders-failing");
					assertThat(alert.firing()).isTrue();
				});
				assertThat(meters.get("scalability.alerts.active").tag("alert", "orders-failing").gauge().value())
					.isOne();
				Object snapshot = context.getBean(AlertsSnapshotContributor.class).snapshot();
				assertThat(snapshot).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
					.containsEntry("firing", List.of("orders-failing"));
			});
	}

	@Test
	void theWebhookStopsWithTheApplication() {
		this.contextRunner.withPropertyValues("scalability.alerts.webhook.url=http://127.0.0.1:9/alerts")
			.run((context) -> assertThat(context).hasSingleBean(dev.scalability.health.alerts.WebhookAlertChannel.class));
		assertThat(Thread.getAllStackTraces().keySet()).noneMatch(
				(thread) -> thread.isAlive() && thread.getName().equals("scalability-alerts-webhook"));
	}

	@Test
	void aRuleThatCannotWorkStopsTheStartUpNamingTheProperty() {
		this.contextRunner.withPropertyValues("scalability.alerts.rules.mine.signal=nowhere",
				"scalability.alerts.rules.mine.above=1")
			.run((context) -> assertThat(dev.scalability.autoconfigure.FailureAnalyses
				.analyze(context.getStartupFailure())
				.getDescription()).contains("scalability.alerts.rules.mine.signal").contains("nowhere"));
		this.contextRunner.withPropertyValues("scalability.alerts.rules.mine.signal=cpu")
			.run((context) -> assertThat(dev.scalability.autoconfigure.FailureAnalyses
				.analyze(context.getStartupFailure())
				.getDescription()).contains("scalability.alerts.rules.mine.above"));
		this.contextRunner.withPropertyValues("scalability.alerts.webhook.url=http://127.0.0.1:9/alerts",
				"scalability.alerts.webhook.headers.Host=elsewhere")
			.run((context) -> assertThat(dev.scalability.autoconfigure.FailureAnalyses
				.analyze(context.getStartupFailure())
				.getDescription()).contains("scalability.alerts.webhook.headers.Host"));
		this.contextRunner.withPropertyValues("scalability.alerts.webhook.url=ftp://alerts.internal/hook")
			.run((context) -> assertThat(dev.scalability.autoconfigure.FailureAnalyses
				.analyze(context.getStartupFailure())
				.getDescription()).contains("scalability.alerts.webhook.url"));
	}

	@Test
	void theServerRequestTimersKeepHistogramBucketsUnlessTheApplicationSaysOtherwise() {
		this.contextRunner.run((context) -> {
			io.micrometer.core.instrument.config.MeterFilter filter = context.getBean("scalabilityServerLatencyHistogram",
					io.micrometer.core.instrument.config.MeterFilter.class);
			io.micrometer.core.instrument.Meter.Id requests = new io.micrometer.core.instrument.Meter.Id(
					"http.server.requests", io.micrometer.core.instrument.Tags.empty(), null, null,
					io.micrometer.core.instrument.Meter.Type.TIMER);
			assertThat(filter.configure(requests, io.micrometer.core.instrument.distribution.DistributionStatisticConfig.NONE)
				.isPercentileHistogram()).isTrue();
			assertThat(filter.configure(requests, io.micrometer.core.instrument.distribution.DistributionStatisticConfig
				.builder()
				.percentilesHistogram(false)
				.build()).isPercentileHistogram()).as("the application's own setting").isFalse();
		});
		this.contextRunner.withPropertyValues("scalability.health.server-latency-histogram=false")
			.run((context) -> assertThat(context).doesNotHaveBean("scalabilityServerLatencyHistogram"));
	}

}
