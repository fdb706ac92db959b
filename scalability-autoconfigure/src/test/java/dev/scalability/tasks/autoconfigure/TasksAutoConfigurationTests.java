package dev.scalability.tasks.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import dev.scalability.autoconfigure.FailureAnalyses;
import dev.scalability.ratelimit.autoconfigure.RateLimitAutoConfiguration;
import dev.scalability.autoconfigure.ScalabilityAutoConfiguration;
import dev.scalability.tasks.TaskQueue;
import dev.scalability.tasks.TaskQueueBackend;
import dev.scalability.tasks.TaskState;
import dev.scalability.tasks.TaskStatus;
import dev.scalability.tasks.actuate.TasksEndpoint;
import dev.scalability.tasks.actuate.TasksSnapshotContributor;
import dev.scalability.tasks.annotation.TaskHandler;
import dev.scalability.tasks.health.TaskQueueHealthIndicator;
import dev.scalability.tasks.memory.MemoryTaskQueue;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class TasksAutoConfigurationTests {

	private static final Duration WAIT = Duration.ofSeconds(15);

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, ScalabilityAutoConfiguration.class,
				TasksAutoConfiguration.class));

	@Test
	void theMemoryQueueIsTheDefaultAndRunsTaskHandlerMethodsWithTheirPayloadAsItsDeclaredType() {
		this.contextRunner.withUserConfiguration(EmailHandlersConfiguration.class)
			.withPropertyValues("scalability.tasks.queues.emails.concurrency=2")
			.run((context) -> {
				assertThat(context).hasSingleBean(MemoryTaskQueue.class);
				TaskQueue queue = context.getBean(TaskQueue.class);
				String id = queue.submit("send-email", new Email("ada@example.com", "hello"));
				TaskStatus status = await().atMost(WAIT)
					.until(() -> queue.status(id).orElseThrow(), (current) -> current.state() == TaskState.SUCCEEDED);
				assertThat(status.queue()).isEqualTo("emails");
				assertThat(context.getBean(EmailHandlers.class).sent).containsExactly(new Email("ada@example.com", "hello"));
			});
	}

	@Test
	void theEndpointListsDeadLettersWithTheirErrorAndRedrivesThemAndHealthShowsTheQueue() {
		this.contextRunner.withUserConfiguration(PoisonHandlerConfiguration.class)
			.withPropertyValues("scalability.tasks.max-attempts=1", "management.endpoints.web.exposure.include=tasks")
			.run((context) -> {
				TaskQueue queue = context.getBean(TaskQueue.class);
				String id = queue.submit("poison", new Email("nobody", "x"));
				await().atMost(WAIT).until(() -> queue.status(id).orElseThrow().state() == TaskState.DEAD);
				TasksEndpoint endpoint = context.getBean(TasksEndpoint.class);
				Map<String, Object> tasks = endpoint.tasks();
				assertThat(tasks).containsEntry("pending", 0L);
				assertThat(tasks.get("queues")).isEqualTo(
						Map.of("default", Map.of("waiting", 0L, "running", 0L, "delayed", 0L, "dead", 1L)));
				@SuppressWarnings("unchecked")
				List<Map<String, Object>> letters = (List<Map<String, Object>>) tasks.get("deadLetters");
				assertThat(letters).singleElement().satisfies((letter) -> {
					assertThat(letter).containsEntry("id", id).containsEntry("type", "poison").containsEntry("attempts", 1);
					assertThat((String) letter.get("error")).contains("no such mailbox");
				});
				Health health = context.getBean(TaskQueueHealthIndicator.class).health(true);
				assertThat(health.getStatus()).isEqualTo(Status.UP);
				assertThat(health.getDetails()).containsEntry("deadLetters", 1L).containsEntry("backend", "memory");
				assertThat(context).hasSingleBean(TasksSnapshotContributor.class);
				assertThat(endpoint.redrive("all")).containsEntry("redriven", 1);
				await().atMost(WAIT).until(() -> queue.status(id).orElseThrow().attempts() == 1
						&& queue.status(id).orElseThrow().state() == TaskState.DEAD
						&& context.getBean(PoisonHandler.class).tries.get() == 2);
				context.getSourceApplicationContext().stop();
				assertThat(context.getBean(TaskQueueHealthIndicator.class).health(true).getStatus())
					.isEqualTo(Status.OUT_OF_SERVICE);
			});
	}

	@Test
	void metricsCountSubmittedAndCompletedTasksAndShowEachQueuesDepthAndDeadLetters() {
		this.contextRunner.withUserConfiguration(PoisonHandlerConfiguration.class, EmailHandlersConfiguration.class)
			.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.withPropertyValues("scalability.tasks.max-attempts=1")
			.run((context) -> {
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				TaskQueue queue = context.getBean(TaskQueue.class);
				String sent = queue.submit("send-email", new Email("ada@example.com", "hello"));
				String poison = queue.submit("poison", new Email("nobody", "x"));
				await().atMost(WAIT)
					.until(() -> queue.status(sent).orElseThrow().state() == TaskState.SUCCEEDED
							&& queue.status(poison).orElseThrow().state() == TaskState.DEAD);
				assertThat(registry.get("scalability.tasks.submitted").tag("queue", "emails").counter().count()).isOne();
				assertThat(registry.get("scalability.tasks.completed").tags("queue", "emails", "outcome", "success")
					.counter()
					.count()).isOne();
				assertThat(registry.get("scalability.tasks.completed").tags("queue", "default", "outcome", "dead")
					.counter()
					.count()).isOne();
				assertThat(registry.get("scalability.tasks.dead").tag("queue", "default").gauge().value()).isOne();
				assertThat(registry.get("scalability.tasks.depth").tag("queue", "emails").gauge().value()).isZero();
			});
	}

	@Test
	void theTaskQueueCanBeSwitchedOffAloneOrWithTheStarter() {
		this.contextRunner.withPropertyValues("scalability.tasks.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(TaskQueue.class));
		this.contextRunner.withPropertyValues("scalability.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(TaskQueue.class));
	}

	@Test
	void closingTheApplicationStopsTheQueue() {
		this.contextRunner.withUserConfiguration(EmailHandlersConfiguration.class).run((context) -> {
			TaskQueueBackend queue = context.getBean(TaskQueueBackend.class);
			assertThat(queue.isRunning()).isTrue();
			context.close();
			assertThat(queue.isRunning()).isFalse();
		});
	}

	@ParameterizedTest(name = "{0}={1}")
	@CsvSource(delimiter = '|', textBlock = """
			max-attempts               | 0    | at least 1
			concurrency                | 0    | at least 1
			queues.emails.concurrency  | 0    | at least 1
			queues.emails.rate-limit.limit | 0 | at least 1
			backoff.initial            | -1s  | must not be negative
			backoff.max                | 10ms | not be less than backoff.initial
			backoff.multiplier         | 0.5  | at least 1
			backoff.jitter             | 2    | between 0 and 1
			completed-retention        | 0s   | must be positive
			dead-letter-retention      | 0    | at least 1
			""")
	void aWrongValueStopsTheStartUpNamingTheProperty(String property, String value, String reason) {
		this.contextRunner.withPropertyValues("scalability.tasks." + property + "=" + value).run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = FailureAnalyses.analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains("scalability.tasks." + property).contains(reason);
			assertThat(analysis.getAction()).contains("such as");
		});
	}

	@Test
	void aQueueStartsNoMoreTasksThanItsRateLimitAllows() {
		this.contextRunner.withConfiguration(AutoConfigurations.of(RateLimitAutoConfiguration.class))
			.withUserConfiguration(EmailHandlersConfiguration.class)
			.withPropertyValues("scalability.tasks.queues.emails.rate-limit.limit=2",
					"scalability.tasks.queues.emails.rate-limit.window=1h")
			.run((context) -> {
				TaskQueue queue = context.getBean(TaskQueue.class);
				for (int i = 0; i < 5; i++) {
					queue.submit("send-email", new Email("ada@example.com", "hello " + i));
				}
				EmailHandlers handlers = context.getBean(EmailHandlers.class);
				await().atMost(WAIT).until(() -> handlers.sent.size() == 2);
				await().during(Duration.ofSeconds(1)).atMost(WAIT).until(() -> handlers.sent.size() == 2);
			});
	}

	@Test
	void aRateLimitedQueueWithoutTheRateLimiterStopsTheStartUpNamingTheProperty() {
		this.contextRunner.withPropertyValues("scalability.tasks.queues.emails.rate-limit.limit=2").run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = FailureAnalyses.analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains("scalability.tasks.queues.emails.rate-limit.limit")
				.contains("rate limiter");
			assertThat(analysis.getAction()).contains("scalability.rate-limit.enabled");
		});
	}

	@Test
	void aHandlerMethodThatCannotRunTasksStopsTheStartUpNamingTheMethod() {
		this.contextRunner.withUserConfiguration(TwoParametersConfiguration.class).run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = FailureAnalyses.analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains("@TaskHandler").contains("twoParameters");
		});
	}

	@Test
	void twoHandlersOfOneTypeStopTheStartUp() {
		this.contextRunner.withUserConfiguration(EmailHandlersConfiguration.class, SecondEmailHandlerConfiguration.class)
			.run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = FailureAnalyses.analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("send-email").contains("handler already");
			});
	}

	public record Email(String to, String subject) {

	}

	static class EmailHandlers {

		final Queue<Email> sent = new ConcurrentLinkedQueue<>();

		@TaskHandler(type = "send-email", queue = "emails")
		void send(Email email) {
			this.sent.add(email);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class EmailHandlersConfiguration {

		@Bean
		EmailHandlers emailHandlers() {
			return new EmailHandlers();
		}

	}

	static class SecondEmailHandler {

		@TaskHandler(type = "send-email")
		void send(Email email) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class SecondEmailHandlerConfiguration {

		@Bean
		SecondEmailHandler secondEmailHandler() {
			return new SecondEmailHandler();
		}

	}

	static class TwoParameters {

		@TaskHandler(type = "broken")
		void twoParameters(Email email, String extra) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class TwoParametersConfiguration {

		@Bean
		TwoParameters twoParameters() {
			return new TwoParameters();
		}

	}

	static class PoisonHandler {

		final AtomicInteger tries = new AtomicInteger();

		@TaskHandler(type = "poison")
		void send(Email email) {
			this.tries.incrementAndGet();
			throw new IllegalStateException("no such mailbox: " + email.to());
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class PoisonHandlerConfiguration {

		@Bean
		PoisonHandler poisonHandler() {
			return new PoisonHandler();
		}

	}

}
