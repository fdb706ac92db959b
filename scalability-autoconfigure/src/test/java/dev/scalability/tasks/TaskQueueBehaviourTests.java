package dev.scalability.tasks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import dev.scalability.delivery.Backoff;
import dev.scalability.delivery.HandlingOutcome;
import dev.scalability.delivery.JacksonPayloadCodec;
import dev.scalability.delivery.PayloadCodec;
import dev.scalability.delivery.RetryPolicy;
import dev.scalability.permits.PermitLimit;
import dev.scalability.ratelimit.RateLimiterPermits;
import dev.scalability.ratelimit.memory.MemoryRateLimiter;
import dev.scalability.test.time.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * What every task queue does, whatever keeps its tasks. Delays and backoff run on a clock
 * the tests move.
 */
public abstract class TaskQueueBehaviourTests {

	protected static final Duration WAIT = Duration.ofSeconds(15);

	protected final ManualClock clock = new ManualClock();

	protected final PayloadCodec codec = new JacksonPayloadCodec(JsonMapper.builder().build());

	protected TaskQueueBackend queue;

	protected abstract TaskQueueBackend createQueue(TaskQueueSettings settings);

	protected TaskQueueSettings settings() {
		return new TaskQueueSettings(new RetryPolicy(3, Backoff.exponential(backoffUnit(), Duration.ofHours(1))),
				Map.of("single", 1), 4, Duration.ofHours(1), 100);
	}

	/**
	 * The first backoff: long enough that the time a test takes does not count next to it.
	 */
	protected Duration backoffUnit() {
		return Duration.ofSeconds(1);
	}

	@BeforeEach
	void startQueue() {
		this.queue = createQueue(settings());
		this.queue.start();
	}

	@AfterEach
	void stopQueue() {
		this.queue.stop(WAIT);
	}

	@Test
	void aSubmittedTaskRunsOnceWithItsPayloadAndSucceeds() {
		Recorder emails = handle("send-email", "default", (email) -> null);
		String id = this.queue.submit("send-email", new Email("ada@example.com", "hello"));
		await().atMost(WAIT).until(() -> state(id) == TaskState.SUCCEEDED);
		assertThat(emails.payloads).containsExactly(new Email("ada@example.com", "hello"));
		TaskStatus status = this.queue.status(id).orElseThrow();
		assertThat(status.type()).isEqualTo("send-email");
		assertThat(status.attempts()).isOne();
		assertThat(status.lastError()).isNull();
	}

	@Test
	void readyTasksRunByPriorityThenOldestFirst() throws InterruptedException {
		CountDownLatch entered = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		Recorder recorder = handle("work", "single", (email) -> {
			if (email.subject().equals("blocker")) {
				entered.countDown();
				awaitQuietly(release);
			}
			return null;
		});
		this.queue.submit("work", new Email("x", "blocker"));
		assertThat(entered.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
		submit("low-1", TaskPriority.LOW);
		submit("normal-1", TaskPriority.NORMAL);
		submit("high-1", TaskPriority.HIGH);
		submit("critical", TaskPriority.CRITICAL);
		submit("normal-2", TaskPriority.NORMAL);
		submit("high-2", TaskPriority.HIGH);
		release.countDown();
		await().atMost(WAIT).until(() -> recorder.payloads.size() == 7);
		assertThat(recorder.payloads).extracting(Email::subject)
			.containsExactly("blocker", "critical", "high-1", "high-2", "normal-1", "normal-2", "low-1");
	}

	@Test
	void aDelayedTaskWaitsForItsDelay() {
		Recorder recorder = handle("reminder", "default", (email) -> null);
		String id = this.queue.submit("reminder", new Email("x", "later"),
				TaskOptions.defaults().withDelay(Duration.ofMinutes(10)));
		assertThat(state(id)).isEqualTo(TaskState.DELAYED);
		await().during(Duration.ofMillis(200)).atMost(WAIT).until(() -> recorder.payloads.isEmpty());
		advance(Duration.ofMinutes(10));
		await().atMost(WAIT).until(() -> state(id) == TaskState.SUCCEEDED);
	}

	@Test
	void aFailingTaskIsTriedAgainAfterItsBackoffUntilItSucceeds() {
		AtomicInteger tries = new AtomicInteger();
		handle("flaky", "default", (email) -> {
			if (tries.incrementAndGet() <= 2) {
				throw new IllegalStateException("failure " + tries.get());
			}
			return null;
		});
		String id = this.queue.submit("flaky", new Email("x", "flaky"));
		await().atMost(WAIT).until(() -> tries.get() == 1 && state(id) == TaskState.DELAYED);
		assertThat(this.queue.status(id).orElseThrow().lastError()).contains("failure 1");
		// The first retry waits one unit (20 % either way), the second two.
		Duration unit = backoffUnit();
		advance(unit.multipliedBy(7).dividedBy(10));
		await().during(Duration.ofMillis(100)).atMost(WAIT).until(() -> tries.get() == 1);
		advance(unit.multipliedBy(6).dividedBy(10));
		await().atMost(WAIT).until(() -> tries.get() == 2 && state(id) == TaskState.DELAYED);
		advance(unit.multipliedBy(25).dividedBy(10));
		await().atMost(WAIT).until(() -> state(id) == TaskState.SUCCEEDED);
		assertThat(this.queue.status(id).orElseThrow().attempts()).isEqualTo(3);
	}

	@Test
	void afterItsLastTryATaskIsADeadLetterWithItsErrorUntilRedriven() {
		AtomicInteger tries = new AtomicInteger();
		handle("poison", "default", (email) -> {
			if (tries.incrementAndGet() <= 1 || !email.subject().equals("mended")) {
				throw new IllegalArgumentException("cannot send to " + email.to());
			}
			return null;
		});
		String id = this.queue.submit("poison", new Email("nobody", "poison"),
				TaskOptions.defaults().withMaxAttempts(1));
		await().atMost(WAIT).until(() -> state(id) == TaskState.DEAD);
		assertThat(this.queue.deadLetters()).singleElement().satisfies((letter) -> {
			assertThat(letter.id()).isEqualTo(id);
			assertThat(letter.type()).isEqualTo("poison");
			assertThat(letter.attempts()).isOne();
			assertThat(letter.error()).contains("IllegalArgumentException: cannot send to nobody");
		});
		assertThat(snapshot("default").dead()).isOne();
		assertThat(this.queue.redrive("unknown")).isFalse();
		assertThat(this.queue.redrive(id)).isTrue();
		await().atMost(WAIT).until(() -> state(id) == TaskState.DEAD && tries.get() == 2);
		assertThat(this.queue.redriveAll()).isOne();
		await().atMost(WAIT).until(() -> tries.get() == 3);
		assertThat(this.queue.deadLetters()).hasSize(1);
	}

	@Test
	void theSameIdempotencyKeyRunsOnceAndTheStatusSaysSo() {
		Recorder recorder = handle("charge", "default", (email) -> null);
		TaskOptions once = TaskOptions.defaults().withIdempotencyKey("order-42");
		String first = this.queue.submit("charge", new Email("x", "first"), once);
		await().atMost(WAIT).until(() -> state(first) == TaskState.SUCCEEDED);
		String second = this.queue.submit("charge", new Email("x", "second"), once);
		assertThat(second).isEqualTo(first);
		TaskStatus status = this.queue.status(first).orElseThrow();
		assertThat(status.idempotencyKey()).isEqualTo("order-42");
		assertThat(status.duplicateSubmits()).isOne();
		await().during(Duration.ofMillis(200)).atMost(WAIT).until(() -> recorder.payloads.size() == 1);
	}

	@Test
	void theRecordOfASucceededTaskExpiresAndItsIdempotencyKeyWithIt() {
		handle("charge", "default", (email) -> null);
		TaskOptions once = TaskOptions.defaults().withIdempotencyKey("order-43");
		String first = this.queue.submit("charge", new Email("x", "first"), once);
		await().atMost(WAIT).until(() -> state(first) == TaskState.SUCCEEDED);
		advance(Duration.ofHours(1));
		await().atMost(WAIT).until(() -> this.queue.status(first).isEmpty());
		assertThat(this.queue.submit("charge", new Email("x", "again"), once)).isNotEqualTo(first);
	}

	@Test
	void aTaskOfATypeNobodyHandlesWaitsInItsQueue() {
		String id = this.queue.submit("unknown-type", new Email("x", "y"), TaskOptions.defaults().inQueue("other"));
		await().during(Duration.ofMillis(200)).atMost(WAIT).until(() -> state(id) == TaskState.WAITING);
		assertThat(snapshot("other").waiting()).isOne();
		assertThat(this.queue.status("no-such-task")).isEmpty();
	}

	@Test
	void aSecondHandlerOfATypeIsRefused() {
		handle("send-email", "default", (email) -> null);
		assertThatIllegalStateException().isThrownBy(() -> handle("send-email", "default", (email) -> null))
			.withMessageContaining("send-email");
	}

	@Test
	void aStoppedQueueFinishesItsRunningTasksAndRunsNoNewOneUntilStartedAgain() throws Exception {
		CountDownLatch entered = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		Recorder recorder = handle("work", "single", (email) -> {
			if (email.subject().equals("first")) {
				entered.countDown();
				awaitQuietly(release);
			}
			return null;
		});
		String first = this.queue.submit("work", new Email("x", "first"));
		assertThat(entered.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
		Thread stopping = new Thread(() -> this.queue.stop(WAIT));
		stopping.start();
		await().atMost(WAIT).until(() -> !this.queue.isRunning());
		String second = this.queue.submit("work", new Email("x", "second"));
		release.countDown();
		stopping.join(WAIT.toMillis());
		assertThat(state(first)).isEqualTo(TaskState.SUCCEEDED);
		assertThat(state(second)).isEqualTo(TaskState.WAITING);
		this.queue.start();
		await().atMost(WAIT).until(() -> state(second) == TaskState.SUCCEEDED);
		assertThat(recorder.payloads).extracting(Email::subject).containsExactly("first", "second");
	}

	@Test
	void eachQueueRunsAsManyTasksAtOnceAsItsThreads() throws InterruptedException {
		AtomicInteger running = new AtomicInteger();
		AtomicInteger mostAtOnce = new AtomicInteger();
		CountDownLatch release = new CountDownLatch(1);
		handle("work", "default", (email) -> {
			mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
			awaitQuietly(release);
			running.decrementAndGet();
			return null;
		});
		for (int i = 0; i < 6; i++) {
			this.queue.submit("work", new Email("x", "task-" + i));
		}
		await().atMost(WAIT).until(() -> running.get() == 4);
		QueueSnapshot snapshot = snapshot("default");
		assertThat(snapshot.running()).isEqualTo(4);
		assertThat(snapshot.waiting()).isEqualTo(2);
		assertThat(snapshot.pending()).isEqualTo(6);
		release.countDown();
		await().atMost(WAIT).until(() -> snapshot("default").pending() == 0);
		assertThat(mostAtOnce).hasValue(4);
	}

	@Test
	void tasksSubmittedFromManyThreadsAtOnceAreStoredOnceEachAndKeysStillRunOnce() throws Exception {
		Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
		this.queue.register(new TaskRegistration("parallel", "default", (task) -> {
			runs.computeIfAbsent(task.id(), (id) -> new AtomicInteger()).incrementAndGet();
			return HandlingOutcome.success(null);
		}, "parallel"));
		ExecutorService submitters = Executors.newFixedThreadPool(8);
		try {
			List<Future<List<String>>> submitted = new ArrayList<>();
			for (int thread = 0; thread < 8; thread++) {
				int first = thread * 250;
				submitted.add(submitters.submit(() -> {
					List<String> ids = new ArrayList<>();
					for (int i = first; i < first + 250; i++) {
						// Every fifth task shares its key with the task before it: one of the two runs.
						String key = "key-" + ((i % 5 == 4) ? i - 1 : i);
						ids.add(this.queue.submit("parallel", new Email("x", "task-" + i),
								TaskOptions.defaults().withIdempotencyKey(key)));
					}
					return ids;
				}));
			}
			Set<String> ids = ConcurrentHashMap.newKeySet();
			for (Future<List<String>> future : submitted) {
				ids.addAll(future.get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
			}
			assertThat(ids).hasSize(1_600);
			await().atMost(WAIT).until(() -> runs.size() == 1_600);
			assertThat(runs.keySet()).containsExactlyInAnyOrderElementsOf(ids);
			assertThat(runs.values()).allSatisfy((count) -> assertThat(count).hasValue(1));
		}
		finally {
			submitters.shutdownNow();
		}
	}

	@Test
	void tasksSubmittedWithoutWaitingAreStoredThenRunOnceEach() {
		Set<String> ran = ConcurrentHashMap.newKeySet();
		AtomicInteger runs = new AtomicInteger();
		this.queue.register(new TaskRegistration("async", "default", (task) -> {
			ran.add(task.id());
			runs.incrementAndGet();
			return HandlingOutcome.success(null);
		}, "async"));
		List<CompletableFuture<String>> submitted = new ArrayList<>();
		for (int i = 0; i < 500; i++) {
			submitted.add(this.queue.submitAsync("async", new Email("x", "task-" + i), TaskOptions.defaults()));
		}
		List<String> ids = submitted.stream().map(CompletableFuture::join).toList();
		assertThat(ids).doesNotHaveDuplicates();
		await().atMost(WAIT).until(() -> ran.size() == 500);
		assertThat(ran).containsExactlyInAnyOrderElementsOf(ids);
		assertThat(runs).hasValue(500);
	}

	@Test
	void aRateLimitedQueueStartsNoMoreTasksThanItsLimitAllowsUntilPermitsComeBack() {
		ManualClock limiterClock = new ManualClock();
		QueueRateLimits limits = new QueueRateLimits(
				new RateLimiterPermits(new MemoryRateLimiter(1_000, limiterClock::nanos)),
				Map.of("limited", new PermitLimit("tasks-limited", 3, Duration.ofHours(1), 0)));
		this.queue.stop(WAIT);
		TaskQueueSettings defaults = settings();
		this.queue = createQueue(new TaskQueueSettings(defaults.retryPolicy(), defaults.concurrency(),
				defaults.defaultConcurrency(), defaults.completedRetention(), defaults.deadLetterRetention(), limits));
		this.queue.start();
		AtomicInteger ran = new AtomicInteger();
		handle("limited-work", "limited", (email) -> ran.incrementAndGet());
		for (int i = 0; i < 10; i++) {
			this.queue.submit("limited-work", new Email("x", "task-" + i));
		}
		await().atMost(WAIT).until(() -> ran.get() == 3);
		await().during(Duration.ofMillis(1_500)).atMost(WAIT).until(() -> ran.get() == 3);
		assertThat(snapshot("limited").waiting()).isEqualTo(7);
		limiterClock.advance(Duration.ofHours(1));
		await().atMost(WAIT).until(() -> ran.get() == 6);
		await().during(Duration.ofMillis(1_500)).atMost(WAIT).until(() -> ran.get() == 6);
	}

	@Test
	void aRateLimitedQueueStartsNoMoreThanItsCapacityAfterAQuietSpell() {
		ManualClock limiterClock = new ManualClock();
		QueueRateLimits limits = new QueueRateLimits(
				new RateLimiterPermits(new MemoryRateLimiter(1_000, limiterClock::nanos)),
				Map.of("quiet", new PermitLimit("tasks-quiet", 1, Duration.ofHours(1), 0)));
		this.queue.stop(WAIT);
		TaskQueueSettings defaults = settings();
		this.queue = createQueue(new TaskQueueSettings(defaults.retryPolicy(), defaults.concurrency(),
				defaults.defaultConcurrency(), defaults.completedRetention(), defaults.deadLetterRetention(), limits));
		this.queue.start();
		AtomicInteger ran = new AtomicInteger();
		handle("quiet-work", "quiet", (email) -> ran.incrementAndGet());
		// Hours without a task: idle threads must not each put a permit aside meanwhile.
		for (int hour = 0; hour < 3; hour++) {
			limiterClock.advance(Duration.ofHours(1));
			await().during(Duration.ofMillis(1_200)).atMost(WAIT).until(() -> ran.get() == 0);
		}
		for (int i = 0; i < 4; i++) {
			this.queue.submit("quiet-work", new Email("x", "task-" + i));
		}
		await().atMost(WAIT).until(() -> ran.get() == 1);
		await().during(Duration.ofMillis(1_500)).atMost(WAIT).until(() -> ran.get() == 1);
	}

	protected void advance(Duration duration) {
		this.clock.advance(duration);
	}

	protected TaskState state(String id) {
		return this.queue.status(id).map(TaskStatus::state).orElse(null);
	}

	protected QueueSnapshot snapshot(String name) {
		return this.queue.queues().stream().filter((queue) -> queue.queue().equals(name)).findFirst().orElseThrow();
	}

	private void submit(String subject, TaskPriority priority) {
		this.queue.submit("work", new Email("x", subject), TaskOptions.defaults().withPriority(priority));
	}

	protected Recorder handle(String type, String queueName, Function<Email, Object> behaviour) {
		Recorder recorder = new Recorder();
		this.queue.register(new TaskRegistration(type, queueName, (task) -> {
			Email email = (Email) this.codec.read(task.payload(), Email.class);
			recorder.payloads.add(email);
			behaviour.apply(email);
			return HandlingOutcome.success(null);
		}, "handler of " + type));
		return recorder;
	}

	private static void awaitQuietly(CountDownLatch latch) {
		try {
			latch.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	public record Email(String to, String subject) {

	}

	protected static final class Recorder {

		final Queue<Email> payloads = new ConcurrentLinkedQueue<>();

	}

}
