package dev.scalability.requestqueue.autoconfigure;

import java.time.Duration;

import dev.scalability.autoconfigure.ScalabilityAutoConfiguration;
import dev.scalability.requestqueue.ConcurrencyLimit;
import dev.scalability.jvm.HeapUsage;
import dev.scalability.requestqueue.RequestQueue;
import dev.scalability.requestqueue.RequestQueueObserver;
import dev.scalability.requestqueue.RequestQueueSettings;
import dev.scalability.requestqueue.RequestQueueSweeper;
import dev.scalability.requestqueue.ServerErrorBreaker;
import dev.scalability.requestqueue.actuate.RequestQueueEndpoint;
import dev.scalability.requestqueue.actuate.RequestQueueSnapshotContributor;
import dev.scalability.requestqueue.health.RequestQueueHealthIndicator;
import dev.scalability.requestqueue.web.RequestQueueFilter;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.servlet.DispatcherType;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the request queue's auto-configuration defines, when, and that the application can
 * replace each part.
 */
class RequestQueueAutoConfigurationTests {

	private final WebApplicationContextRunner contextRunner = new WebApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(ScalabilityAutoConfiguration.class, RequestQueueAutoConfiguration.class));

	@Test
	void aServletApplicationGetsTheQueueItsFilterAndItsShutdown() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(RequestQueue.class)
				.hasSingleBean(RequestQueueSweeper.class)
				.hasSingleBean(RequestQueueShutdown.class)
				.hasSingleBean(RequestQueueHealthIndicator.class)
				.hasSingleBean(RequestQueueSnapshotContributor.class)
				.hasBean("requestQueueFilter");
			RequestQueue queue = context.getBean(RequestQueue.class);
			assertThat(queue.currentLimit()).isEqualTo(10);
			assertThat(queue.breaker().state()).isEqualTo("CLOSED");
		});
	}

	@Test
	@SuppressWarnings("unchecked")
	void theFilterSeesRequestAndAsynchronousDispatchesAfterSpringSecurityAndTheRateLimitFilters() {
		this.contextRunner.run((context) -> {
			FilterRegistrationBean<RequestQueueFilter> registration = context.getBean("requestQueueFilter",
					FilterRegistrationBean.class);
			assertThat(registration.getOrder()).isEqualTo(-80);
			assertThat(registration.isAsyncSupported()).isTrue();
			assertThat(registration.determineDispatcherTypes()).containsExactlyInAnyOrder(DispatcherType.REQUEST,
					DispatcherType.ASYNC);
		});
		this.contextRunner.withPropertyValues("spring.security.filter.order=0").run((context) -> {
			assertThat(context.getBean("requestQueueFilter", FilterRegistrationBean.class).getOrder()).isEqualTo(20);
		});
		this.contextRunner.withPropertyValues("scalability.request-queue.filter-order=5").run((context) -> {
			assertThat(context.getBean("requestQueueFilter", FilterRegistrationBean.class).getOrder()).isEqualTo(5);
		});
	}

	@Test
	void theBreakerIsInTheApplicationsResilience4jRegistry() {
		this.contextRunner.run((context) -> assertThat(context.getBean(CircuitBreakerRegistry.class)
			.find("scalability-request-queue")).isPresent());
	}

	@Test
	void slowRequestsNeverOpenTheBreaker() {
		this.contextRunner.run((context) -> assertThat(context.getBean(CircuitBreakerRegistry.class)
			.circuitBreaker("scalability-request-queue")
			.getCircuitBreakerConfig()
			.getSlowCallDurationThreshold()).isGreaterThanOrEqualTo(Duration.ofDays(1)));
	}

	@Test
	void aContextStartedAgainAfterAStopAdmitsRequestsAgain() {
		this.contextRunner.run((context) -> {
			RequestQueue queue = context.getBean(RequestQueue.class);
			context.getSourceApplicationContext().stop();
			assertThat(queue.shuttingDown()).isTrue();
			context.getSourceApplicationContext().start();
			assertThat(queue.shuttingDown()).isFalse();
		});
	}

	@Test
	void closingTheApplicationWaitsForRequestsStillRunningNoLongerThanTheShutdownPhase() {
		this.contextRunner.withPropertyValues("spring.lifecycle.timeout-per-shutdown-phase=1s").run((context) -> {
			Object running = context.getBean(RequestQueue.class)
				.admit(dev.scalability.requestqueue.Priority.MEDIUM, null, null);
			assertThat(running).isInstanceOf(dev.scalability.requestqueue.Permit.class);
			long start = System.nanoTime();
			context.close();
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
		});
	}

	@Test
	void theHealthIndicatorIsTurnedOffByItsCanonicalProperty() {
		this.contextRunner.withPropertyValues("management.health.requestqueue.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(RequestQueueHealthIndicator.class));
	}

	@Test
	void byDefaultTheActuatorsHealthPrometheusAndQueueEndpointsAreNeverQueued() {
		RequestQueueSettingsBuilder defaults = new RequestQueueSettingsBuilder(new RequestQueueProperties());
		assertThat(defaults.bypass("/manage/").get(0).paths()).extracting(Object::toString)
			.containsExactly("/manage/health/**", "/manage/prometheus", "/manage/requestqueue");
		RequestQueueProperties none = new RequestQueueProperties();
		none.setBypass(java.util.List.of());
		assertThat(new RequestQueueSettingsBuilder(none).bypass("/actuator")).isEmpty();
	}

	@Test
	void withAnImmediateShutdownWaitingRequestsAreRefusedAtOnce() {
		this.contextRunner.withPropertyValues("server.shutdown=immediate").run((context) -> {
			RequestQueue queue = context.getBean(RequestQueue.class);
			for (int i = 0; i < 10; i++) {
				queue.admit(dev.scalability.requestqueue.Priority.MEDIUM, null, null);
			}
			java.util.concurrent.atomic.AtomicReference<dev.scalability.requestqueue.Refusal> refusal = new java.util.concurrent.atomic.AtomicReference<>();
			queue.admit(dev.scalability.requestqueue.Priority.MEDIUM, null, new dev.scalability.requestqueue.Waiter() {

				@Override
				public void admitted(dev.scalability.requestqueue.Permit permit) {
				}

				@Override
				public void refused(dev.scalability.requestqueue.Refusal refused) {
					refusal.set(refused);
				}

			});
			java.util.concurrent.CountDownLatch stopped = new java.util.concurrent.CountDownLatch(1);
			context.getBean(RequestQueueShutdown.class).stop(stopped::countDown);
			assertThat(stopped.getCount()).isZero();
			assertThat(refusal.get().reason()).isEqualTo(dev.scalability.requestqueue.RefusalReason.SHUTTING_DOWN);
		});
	}

	@Test
	void theBreakerCanBeTurnedOff() {
		this.contextRunner.withPropertyValues("scalability.request-queue.circuit-breaker.enabled=false")
			.run((context) -> {
				assertThat(context).doesNotHaveBean(ServerErrorBreaker.class);
				assertThat(context.getBean(RequestQueue.class).breaker().state()).isEqualTo("DISABLED");
			});
	}

	@Test
	void withoutResilience4jTheQueueWorksWithoutItsBreaker() {
		this.contextRunner.withClassLoader(new FilteredClassLoader("io.github.resilience4j")).run((context) -> {
			assertThat(context).hasNotFailed().hasSingleBean(RequestQueue.class);
			assertThat(context.getBean(RequestQueue.class).breaker().state()).isEqualTo("DISABLED");
		});
	}

	@Test
	void anAdaptiveLimitStartsAtItsFloor() {
		this.contextRunner
			.withPropertyValues("scalability.request-queue.adaptive=true", "scalability.request-queue.min-concurrent=3",
					"scalability.request-queue.max-concurrent=50")
			.run((context) -> assertThat(context.getBean(RequestQueue.class).snapshot()).satisfies((snapshot) -> {
				assertThat(snapshot.adaptive()).isTrue();
				assertThat(snapshot.limit()).isEqualTo(3);
			}));
	}

	@Test
	void anAdaptiveLimitWithoutConcurrencyLimitsOnTheClassPathStopsTheStartUp() {
		this.contextRunner.withClassLoader(new FilteredClassLoader("com.netflix.concurrency.limits"))
			.withPropertyValues("scalability.request-queue.adaptive=true")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.hasMessageContaining("scalability.request-queue.adaptive"));
	}

	@Test
	void metricsAreRegisteredWhenThereIsAMeterRegistry() {
		this.contextRunner.withBean(MeterRegistry.class, SimpleMeterRegistry::new).run((context) -> {
			assertThat(context).hasSingleBean(RequestQueueObserver.class);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			context.getBean("requestQueueMetrics", io.micrometer.core.instrument.binder.MeterBinder.class)
				.bindTo(registry);
			assertThat(registry.get("scalability.requestqueue.pending").tag("priority", "high").gauge().value())
				.isZero();
			assertThat(registry.get("scalability.requestqueue.running").gauge().value()).isZero();
			assertThat(registry.get("scalability.requestqueue.limit").gauge().value()).isEqualTo(10);
		});
	}

	@Test
	void theEndpointIsThereWhenExposed() {
		this.contextRunner.withPropertyValues("management.endpoints.web.exposure.include=requestqueue")
			.withConfiguration(AutoConfigurations.of(
					org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration.class))
			.run((context) -> assertThat(context).hasSingleBean(RequestQueueEndpoint.class));
	}

	@Test
	void theFeatureCanBeTurnedOff() {
		this.contextRunner.withPropertyValues("scalability.request-queue.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(RequestQueue.class).doesNotHaveBean("requestQueueFilter"));
		this.contextRunner.withPropertyValues("scalability.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(RequestQueue.class));
	}

	@Test
	void applicationsOutsideTheServletStackGetNoQueue() {
		new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(ScalabilityAutoConfiguration.class, RequestQueueAutoConfiguration.class))
			.run((context) -> assertThat(context).doesNotHaveBean(RequestQueue.class));
	}

	@Test
	void theApplicationsOwnQueueAndHeapReadingAreUsed() {
		this.contextRunner.withUserConfiguration(OwnQueue.class).run((context) -> {
			assertThat(context).hasSingleBean(RequestQueue.class);
			assertThat(context.getBean(RequestQueue.class).currentLimit()).isEqualTo(3);
		});
		this.contextRunner.withBean(HeapUsage.class, () -> () -> 0.99).run((context) -> {
			context.getBean(RequestQueue.class).sweep();
			assertThat(context.getBean(RequestQueue.class).snapshot().memoryPressure()).isTrue();
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class OwnQueue {

		@Bean
		RequestQueue ownQueue() {
			return new RequestQueue(
					new RequestQueueSettings(10, Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofMillis(5),
							Duration.ofMillis(100), 0.9),
					ConcurrencyLimit.fixed(3), ServerErrorBreaker.NONE, () -> 0, RequestQueueObserver.NONE,
					System::nanoTime);
		}

	}

}
