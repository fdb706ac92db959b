package dev.scalability.events.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import dev.scalability.autoconfigure.ScalabilityAutoConfiguration;
import dev.scalability.delivery.Backoff;
import dev.scalability.delivery.HandlingOutcome;
import dev.scalability.delivery.JacksonPayloadCodec;
import dev.scalability.delivery.RetryPolicy;
import dev.scalability.delivery.trusted.Parcel;
import dev.scalability.events.Event;
import dev.scalability.events.EventBus;
import dev.scalability.events.EventBusBackend;
import dev.scalability.events.EventBusObserver;
import dev.scalability.events.EventBusSettings;
import dev.scalability.events.Subscription;
import dev.scalability.events.TopicSnapshot;
import dev.scalability.events.actuate.EventsEndpoint;
import dev.scalability.events.actuate.EventsSnapshotContributor;
import dev.scalability.events.annotation.EventBusListener;
import dev.scalability.events.annotation.EventBusListenerRegistrar;
import dev.scalability.events.health.EventBusHealthIndicator;
import dev.scalability.events.memory.MemoryEventBus;
import dev.scalability.events.metrics.MicrometerEventBusObserver;
import dev.scalability.events.observation.ObservationEventTracing;
import dev.scalability.time.MonotonicClock;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.transport.ReceiverContext;
import io.micrometer.observation.transport.SenderContext;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.aop.framework.AopProxyUtils;
import org.springframework.aop.framework.ProxyFactory;
import org.springframework.aop.support.AopUtils;
import org.springframework.boot.autoconfigure.AutoConfigurationPackage;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * What the event bus's auto-configuration defines, when, what backs off, and that
 * {@code @EventBusListener} methods, health, metrics and the endpoint work on it.
 */
class EventsAutoConfigurationTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, ScalabilityAutoConfiguration.class,
				EventsAutoConfiguration.class))
		.withPropertyValues("management.endpoints.web.exposure.include=events");

	@Test
	void theMemoryBusIsTheDefaultWithItsListenersLifecycleHealthAndEndpoint() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasNotFailed()
				.hasSingleBean(MemoryEventBus.class)
				.hasSingleBean(JacksonPayloadCodec.class)
				.hasSingleBean(EventBusListenerRegistrar.class)
				.hasSingleBean(EventBusLifecycle.class)
				.hasSingleBean(EventBusHealthIndicator.class)
				.hasSingleBean(EventsEndpoint.class)
				.hasSingleBean(EventsSnapshotContributor.class)
				.doesNotHaveBean(MicrometerEventBusObserver.class);
			assertThat(context.getBean(MemoryEventBus.class).isRunning()).isTrue();
			assertThat(context.getBean(EventsSnapshotContributor.class).name()).isEqualTo("events");
		});
	}

	@Test
	void theEventBusCanBeSwitchedOffAloneOrWithTheStarter() {
		this.contextRunner.withPropertyValues("scalability.events.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(EventBus.class)
				.doesNotHaveBean(EventBusListenerRegistrar.class));
		this.contextRunner.withPropertyValues("scalability.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(EventBus.class));
	}

	@Test
	void listenerMethodsGetEveryEventOfTheirGroupAsTheirDeclaredType() {
		this.contextRunner.withUserConfiguration(OrderListenersConfiguration.class).run((context) -> {
			EventBus bus = context.getBean(EventBus.class);
			OrderListeners listeners = context.getBean(OrderListeners.class);
			bus.publish("orders.created", new OrderCreated("order-1", 42));
			bus.publish("orders.created", Map.of("id", "order-2", "amount", 7));
			await().atMost(WAIT).until(() -> listeners.billed.size() == 2 && listeners.shipped.size() == 2);
			// Billing has two threads, so either may come first; shipping has one, in order.
			assertThat(listeners.billed).containsExactlyInAnyOrder(new OrderCreated("order-1", 42),
					new OrderCreated("order-2", 7));
			assertThat(listeners.shipped).containsExactly(new OrderCreated("order-1", 42),
					new OrderCreated("order-2", 7));
		});
	}

	@Test
	void payloadsAreReadWithTheApplicationsJsonMapper() {
		this.contextRunner.withUserConfiguration(OrderListenersConfiguration.class)
			.withPropertyValues("spring.jackson.property-naming-strategy=SNAKE_CASE")
			.run((context) -> {
				assertThat(context.getBean(JacksonPayloadCodec.class).write(new Quote("order-1", 3)))
					.isEqualTo("{\"order_id\":\"order-1\",\"price\":3}");
				assertThat(context.getBean(EventBus.class)
					.request("orders.quote", new OrderCreated("order-3", 1), Quote.class, WAIT))
					.succeedsWithin(WAIT)
					.isEqualTo(new Quote("order-3", 10));
			});
	}

	@Test
	void aListenerWithoutAGroupHasOneOfItsOwnAndPlaceholdersInTopicsAreResolved() {
		this.contextRunner.withUserConfiguration(OrderListenersConfiguration.class)
			.withPropertyValues("app.refunds-topic=orders.refunded")
			.run((context) -> {
				EventBusBackend bus = context.getBean(EventBusBackend.class);
				assertThat(bus.topics()).extracting(TopicSnapshot::topic).contains("orders.refunded");
				TopicSnapshot refunds = bus.topics()
					.stream()
					.filter((topic) -> topic.topic().equals("orders.refunded"))
					.findFirst()
					.orElseThrow();
				assertThat(refunds.groups()).extracting(TopicSnapshot.GroupSnapshot::group)
					.containsExactly("orderListeners.refund");
			});
	}

	@Test
	void whatAListenerReturnsAnswersARequest() {
		this.contextRunner.withUserConfiguration(OrderListenersConfiguration.class).run((context) -> {
			EventBus bus = context.getBean(EventBus.class);
			assertThat(bus.request("orders.quote", new OrderCreated("order-3", 5), Quote.class, WAIT))
				.succeedsWithin(WAIT)
				.isEqualTo(new Quote("order-3", 50));
		});
	}

	@Test
	void anApplicationsOwnBusIsTheOneListenersHealthAndEndpointUse() {
		this.contextRunner.withUserConfiguration(OwnBusConfiguration.class, OrderListenersConfiguration.class)
			.run((context) -> {
				assertThat(context).hasSingleBean(EventBus.class).hasBean("ownBus").doesNotHaveBean("eventBus");
				EventBusBackend own = context.getBean(EventBusBackend.class);
				assertThat(own.isRunning()).isTrue();
				assertThat(own.topics()).extracting(TopicSnapshot::topic).contains("orders.created");
				assertThat(context.getBean(EventsEndpoint.class).events()).containsEntry("retention", 7);
			});
	}

	@Test
	void theTraceOfAPublishReachesTheListenerThroughTheEventsHeaders() {
		this.contextRunner.withUserConfiguration(TracingConfiguration.class, OrderListenersConfiguration.class)
			.run((context) -> {
				assertThat(context).hasSingleBean(ObservationEventTracing.class);
				TraceRecorder traces = context.getBean(TraceRecorder.class);
				context.getBean(EventBus.class).publish("orders.created", new OrderCreated("order-1", 1));
				await().atMost(WAIT).until(() -> traces.received.size() == 2);
				assertThat(traces.received).containsOnly("trace-of-order-1-publish");
				assertThat(traces.observations).contains("scalability.events.publish", "scalability.events.process");
			});
	}

	@Test
	void aListenerOnAProxiedBeanIsCalledThroughItsProxy() {
		this.contextRunner.withUserConfiguration(ProxiedListenerConfiguration.class).run((context) -> {
			ProxiedListener proxy = context.getBean(ProxiedListener.class);
			assertThat(AopUtils.isCglibProxy(proxy)).isTrue();
			context.getBean(EventBus.class).publish("audits", "checked");
			await().atMost(WAIT).until(() -> ProxiedListener.calls(proxy) == 1);
		});
	}

	@Test
	void theHealthIndicatorIsTurnedOffByItsCanonicalProperty() {
		this.contextRunner.withPropertyValues("management.health.eventbus.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(EventBusHealthIndicator.class));
	}

	@Test
	void healthIsUpWithTheBacklogAndOutOfServiceWhileTheBusIsStopped() {
		this.contextRunner.run((context) -> {
			EventBusHealthIndicator indicator = context.getBean(EventBusHealthIndicator.class);
			Health health = indicator.health(true);
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsEntry("backend", "memory")
				.containsEntry("lag", 0L)
				.containsEntry("pending", 0L)
				.containsEntry("deadLetters", 0L);
			context.getSourceApplicationContext().stop();
			assertThat(indicator.health(true).getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
			context.getSourceApplicationContext().start();
			assertThat(indicator.health(true).getStatus()).isEqualTo(Status.UP);
		});
	}

	@Test
	void healthReportsTheBusDegradedAboveItsLagThresholdAndStaysUp() {
		this.contextRunner.withPropertyValues("scalability.events.health.lag-threshold=2").run((context) -> {
			CountDownLatch release = new CountDownLatch(1);
			EventBusBackend bus = context.getBean(EventBusBackend.class);
			bus.subscribe(new Subscription("orders.created", "stuck", 1, (event) -> {
				try {
					release.await();
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				return HandlingOutcome.success(null);
			}, "stuck listener"));
			for (int i = 0; i < 4; i++) {
				bus.publish("orders.created", new OrderCreated("order-" + i, i));
			}
			EventBusHealthIndicator indicator = context.getBean(EventBusHealthIndicator.class);
			// One event runs, three wait: above the threshold of two.
			await().atMost(WAIT).until(() -> Long.valueOf(3).equals(indicator.health(true).getDetails().get("lag")));
			Health health = indicator.health(true);
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsEntry("degraded", true)
				.containsEntry("thresholds", List.of("lag 3 above 2"));
			release.countDown();
			await().atMost(WAIT).until(() -> !indicator.health(true).getDetails().containsKey("degraded"));
		});
	}

	@Test
	void payloadsMayNameClassesOfTheApplicationsPackagesAndOfTrustedOnes() {
		this.contextRunner.withUserConfiguration(ApplicationPackageConfiguration.class)
			.withPropertyValues("scalability.events.trusted-packages=dev.scalability.delivery.trusted")
			.run((context) -> {
				JacksonPayloadCodec codec = context.getBean(JacksonPayloadCodec.class);
				String trusted = "{\"body\":{\"@class\":\"dev.scalability.delivery.trusted.Parcel\",\"name\":\"b\"}}";
				assertThat(codec.read(trusted, Envelope.class)).isEqualTo(new Envelope(new Parcel("b")));
				String ownPackage = "{\"body\":{\"@class\":\"" + OrderCreated.class.getName()
						+ "\",\"id\":\"order-1\",\"amount\":1}}";
				assertThat(codec.read(ownPackage, Envelope.class)).isEqualTo(new Envelope(new OrderCreated("order-1", 1)));
				assertThatIllegalArgumentException()
					.isThrownBy(() -> codec.read("{\"body\":{\"@class\":\"java.util.HashMap\"}}", Envelope.class));
			});
	}

	@Test
	void metricsCountPublishedAndHandledEventsAndShowEachGroupsLag() {
		this.contextRunner.withUserConfiguration(MetricsConfiguration.class, OrderListenersConfiguration.class)
			.run((context) -> {
				assertThat(context).hasSingleBean(MicrometerEventBusObserver.class);
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				EventBus bus = context.getBean(EventBus.class);
				bus.publish("orders.created", new OrderCreated("order-1", 1));
				bus.publish("orders.created", new OrderCreated("order-2", 2));
				assertThat(registry.get("scalability.events.published").tag("topic", "orders.created").counter()
					.count()).isEqualTo(2);
				await().atMost(WAIT)
					.until(() -> registry.find("scalability.events.handled")
						.tags("topic", "orders.created", "group", "billing", "outcome", "success")
						.counter() != null
							&& registry.get("scalability.events.handled")
								.tags("topic", "orders.created", "group", "billing", "outcome", "success")
								.counter()
								.count() == 2);
				for (String group : List.of("billing", "shipping")) {
					await().atMost(WAIT)
						.until(() -> registry.get("scalability.events.lag")
							.tags("topic", "orders.created", "group", group)
							.gauge()
							.value() == 0.0);
				}
			});
	}

	@Test
	void theEndpointListsDeadLettersWithTheirErrorAndRedrivesThem() {
		this.contextRunner.withUserConfiguration(FlakyListenerConfiguration.class)
			.withPropertyValues("scalability.events.max-attempts=2", "scalability.events.backoff=1ms")
			.run((context) -> {
				EventsEndpoint endpoint = context.getBean(EventsEndpoint.class);
				FlakyListener listener = context.getBean(FlakyListener.class);
				String id = context.getBean(EventBus.class).publish("payments", new OrderCreated("order-9", 3));
				await().atMost(WAIT).until(() -> deadLetters(endpoint).size() == 1);
				Map<String, Object> letter = deadLetters(endpoint).get(0);
				assertThat(letter).containsEntry("id", id)
					.containsEntry("topic", "payments")
					.containsEntry("group", "charging")
					.containsEntry("attempts", 2)
					.doesNotContainKey("payload");
				assertThat((String) letter.get("error")).startsWith("java.lang.IllegalStateException: gateway down");
				listener.failing.set(false);
				assertThat(endpoint.redrive("all", "unknown-topic")).containsEntry("redriven", 0);
				assertThat(endpoint.redrive(id, null)).containsEntry("redriven", 1);
				await().atMost(WAIT).until(() -> listener.charged.size() == 1);
				assertThat(deadLetters(endpoint)).isEmpty();
			});
	}

	@Test
	void closingTheApplicationStopsTheBus() {
		this.contextRunner.run((context) -> {
			EventBusBackend bus = context.getBean(EventBusBackend.class);
			context.close();
			assertThat(bus.isRunning()).isFalse();
		});
	}

	@Test
	void closingTheApplicationWaitsForRunningHandlersNoLongerThanTheShutdownPhase() {
		this.contextRunner.withUserConfiguration(StuckListenerConfiguration.class)
			.withPropertyValues("spring.lifecycle.timeout-per-shutdown-phase=200ms")
			.run((context) -> {
				StuckListener listener = context.getBean(StuckListener.class);
				context.getBean(EventBus.class).publish("slow", "work");
				assertThat(listener.entered.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
				long start = System.nanoTime();
				context.close();
				assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(WAIT);
				assertThat(listener.interrupted.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
			});
	}

	@SuppressWarnings("unchecked")
	private static List<Map<String, Object>> deadLetters(EventsEndpoint endpoint) {
		return (List<Map<String, Object>>) endpoint.events().get("deadLetters");
	}

	record OrderCreated(String id, int amount) {

	}

	record Quote(String orderId, int price) {

	}

	static class OrderListeners {

		final Queue<OrderCreated> billed = new ConcurrentLinkedQueue<>();

		final Queue<OrderCreated> shipped = new ConcurrentLinkedQueue<>();

		@EventBusListener(topic = "orders.created", group = "billing", concurrency = 2)
		void bill(OrderCreated order) {
			this.billed.add(order);
		}

		@EventBusListener(topic = "orders.created", group = "shipping")
		void ship(OrderCreated order) {
			this.shipped.add(order);
		}

		@EventBusListener(topic = "${app.refunds-topic:orders.refunds}")
		void refund(OrderCreated order) {
		}

		@EventBusListener(topic = "orders.quote", group = "pricing")
		Quote quote(OrderCreated order) {
			return new Quote(order.id(), order.amount() * 10);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OrderListenersConfiguration {

		@Bean
		OrderListeners orderListeners() {
			return new OrderListeners();
		}

	}

	static class FlakyListener {

		final AtomicBoolean failing = new AtomicBoolean(true);

		final Queue<OrderCreated> charged = new ConcurrentLinkedQueue<>();

		@EventBusListener(topic = "payments", group = "charging")
		void charge(OrderCreated order) {
			if (this.failing.get()) {
				throw new IllegalStateException("gateway down");
			}
			this.charged.add(order);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class FlakyListenerConfiguration {

		@Bean
		FlakyListener flakyListener() {
			return new FlakyListener();
		}

	}

	static class StuckListener {

		final CountDownLatch entered = new CountDownLatch(1);

		final CountDownLatch interrupted = new CountDownLatch(1);

		@EventBusListener(topic = "slow", group = "stuck")
		void handle(String work) {
			this.entered.countDown();
			try {
				new CountDownLatch(1).await();
			}
			catch (InterruptedException ex) {
				this.interrupted.countDown();
			}
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class StuckListenerConfiguration {

		@Bean
		StuckListener stuckListener() {
			return new StuckListener();
		}

	}

	/**
	 * Plays a tracer: writes a trace into what a publish sends, and records what each
	 * handling reads back.
	 */
	static class TraceRecorder implements ObservationHandler<Observation.Context> {

		final Queue<String> received = new ConcurrentLinkedQueue<>();

		final Queue<String> observations = new ConcurrentLinkedQueue<>();

		@Override
		@SuppressWarnings("unchecked")
		public void onStart(Observation.Context context) {
			this.observations.add(context.getName());
			if (context instanceof SenderContext<?> sender) {
				((SenderContext<Map<String, String>>) sender).getSetter()
					.set((Map<String, String>) sender.getCarrier(), "traceparent", "trace-of-order-1-publish");
			}
			if (context instanceof ReceiverContext<?> receiver) {
				ReceiverContext<Event> received = (ReceiverContext<Event>) receiver;
				this.received.add(String.valueOf(received.getGetter().get(received.getCarrier(), "traceparent")));
			}
		}

		@Override
		public boolean supportsContext(Observation.Context context) {
			return true;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class TracingConfiguration {

		@Bean
		TraceRecorder traceRecorder() {
			return new TraceRecorder();
		}

		@Bean
		ObservationRegistry observationRegistry(TraceRecorder traceRecorder) {
			ObservationRegistry registry = ObservationRegistry.create();
			registry.observationConfig().observationHandler(traceRecorder);
			return registry;
		}

	}

	static class ProxiedListener {

		final Queue<String> audited = new ConcurrentLinkedQueue<>();

		@EventBusListener(topic = "audits", group = "auditing")
		public void audit(String audit) {
			this.audited.add(audit);
		}

		static int calls(ProxiedListener proxy) {
			return ((ProxiedListener) AopProxyUtils.getSingletonTarget(proxy)).audited.size();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ProxiedListenerConfiguration {

		@Bean
		ProxiedListener proxiedListener() {
			ProxyFactory proxy = new ProxyFactory(new ProxiedListener());
			proxy.setProxyTargetClass(true);
			return (ProxiedListener) proxy.getProxy();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnBusConfiguration {

		@Bean
		MemoryEventBus ownBus(MonotonicClock clock) {
			return new MemoryEventBus(
					new EventBusSettings(new RetryPolicy(1, Backoff.exponential(Duration.ZERO, Duration.ZERO)), 7, 7,
							7),
					new JacksonPayloadCodec(JsonMapper.builder().build()), EventBusObserver.NONE, clock);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class MetricsConfiguration {

		@Bean
		SimpleMeterRegistry meterRegistry() {
			return new SimpleMeterRegistry();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@AutoConfigurationPackage
	static class ApplicationPackageConfiguration {

	}

	/**
	 * A payload whose body names its class.
	 *
	 * @param body the body
	 */
	public record Envelope(@JsonTypeInfo(use = JsonTypeInfo.Id.CLASS) Object body) {

	}

}
