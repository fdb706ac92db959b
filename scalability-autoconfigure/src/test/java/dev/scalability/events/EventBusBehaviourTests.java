package dev.scalability.events;

import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import dev.scalability.delivery.Backoff;
import dev.scalability.delivery.HandlerInvoker;
import dev.scalability.delivery.HandlingOutcome;
import dev.scalability.delivery.JacksonPayloadCodec;
import dev.scalability.delivery.PayloadCodec;
import dev.scalability.delivery.RetryPolicy;
import dev.scalability.test.time.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * What every backend of the event bus must do, written once: the memory backend runs it
 * here, the Redis Streams backend runs the same. Listeners are plain methods called
 * through {@link HandlerInvoker}, as {@code @EventBusListener} methods are.
 */
public abstract class EventBusBehaviourTests {

	protected static final Duration WAIT = Duration.ofSeconds(10);

	protected final ManualClock clock = new ManualClock();

	protected final PayloadCodec codec = new JacksonPayloadCodec(JsonMapper.builder().build());

	protected EventBusBackend bus;

	protected String topic;

	/**
	 * The backend under test, on {@link #clock} and {@link #codec}, not started.
	 * @param settings its settings
	 * @return the bus
	 */
	protected abstract EventBusBackend createBus(EventBusSettings settings);

	/**
	 * Lets time pass between two publishes, as far as event ids can tell.
	 * @param duration how much
	 */
	protected void advanceTime(Duration duration) {
		this.clock.advance(duration);
	}

	/**
	 * Three tries, a few milliseconds apart.
	 * @return the settings of the suite
	 */
	protected EventBusSettings settings() {
		return new EventBusSettings(new RetryPolicy(3, Backoff.exponential(Duration.ofMillis(5), Duration.ofMillis(20))),
				1_000, 100, 100);
	}

	@BeforeEach
	void startBus() {
		this.bus = createBus(settings());
		this.bus.start();
		this.topic = "orders-" + UUID.randomUUID();
	}

	@AfterEach
	void stopBus() {
		this.bus.stop(WAIT);
	}

	@Test
	void everyGroupGetsEveryEventInTheOrderPublished() {
		Recorder billing = listen("billing", 1, (order) -> null);
		Recorder shipping = listen("shipping", 1, (order) -> null);
		List<String> ids = publishOrders(10);
		await().atMost(WAIT).until(() -> billing.handled.size() == 10 && shipping.handled.size() == 10);
		assertThat(billing.handled).containsExactlyElementsOf(ids);
		assertThat(shipping.handled).containsExactlyElementsOf(ids);
		assertThat(billing.payloads).extracting(OrderCreated::id).containsExactly("order-0", "order-1", "order-2",
				"order-3", "order-4", "order-5", "order-6", "order-7", "order-8", "order-9");
	}

	@Test
	void withinAGroupEachEventIsHandledOnceWhateverTheConcurrency() {
		Recorder billing = listen("billing", 4, (order) -> null);
		List<String> ids = publishOrders(200);
		await().atMost(WAIT).until(() -> settled("billing") && billing.handled.size() >= 200);
		assertThat(billing.handled).hasSize(200).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(ids);
		assertThat(billing.attempts).hasValue(200);
	}

	@Test
	void eventsPublishedFromManyThreadsWhileListenersRunAreAllHandledOncePerGroup() throws Exception {
		Recorder billing = listen("billing", 3, (order) -> null);
		Recorder shipping = listen("shipping", 2, (order) -> null);
		Queue<String> ids = new ConcurrentLinkedQueue<>();
		CountDownLatch start = new CountDownLatch(1);
		List<Thread> publishers = new java.util.ArrayList<>();
		for (int p = 0; p < 4; p++) {
			int publisher = p;
			Thread thread = new Thread(() -> {
				try {
					start.await();
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return;
				}
				for (int i = 0; i < 250; i++) {
					ids.add(publishOrder("order-" + publisher + "-" + i));
				}
			}, "publisher-" + p);
			publishers.add(thread);
			thread.start();
		}
		start.countDown();
		for (Thread publisher : publishers) {
			publisher.join(WAIT.toMillis());
		}
		assertThat(ids).hasSize(1_000).doesNotHaveDuplicates();
		await().atMost(WAIT).until(() -> settled("billing") && settled("shipping"));
		assertThat(billing.handled).hasSize(1_000).containsExactlyInAnyOrderElementsOf(ids);
		assertThat(shipping.handled).hasSize(1_000).containsExactlyInAnyOrderElementsOf(ids);
	}

	@Test
	void aSecondListenerInTheSameGroupOfATopicIsRefused() {
		listen("billing", 1, (order) -> null);
		assertThatIllegalStateException().isThrownBy(() -> listen("billing", 2, (order) -> null))
			.withMessageContaining("billing")
			.withMessageContaining(this.topic);
	}

	@Test
	void aFailingHandlerIsTriedAgainUntilItSucceeds() {
		AtomicInteger calls = new AtomicInteger();
		Recorder billing = listen("billing", 1, (order) -> {
			if (calls.incrementAndGet() < 3) {
				throw new IllegalStateException("not yet");
			}
			return null;
		});
		String id = publishOrder("order-1");
		await().atMost(WAIT).until(() -> billing.handled.contains(id));
		assertThat(billing.attempts).hasValue(3);
		assertThat(this.bus.deadLetters(this.topic)).isEmpty();
	}

	@Test
	void afterItsLastTryAnEventIsADeadLetterOfItsGroupWithItsErrorUntilRedriven() {
		AtomicBoolean failing = new AtomicBoolean(true);
		Recorder billing = listen("billing", 1, (order) -> {
			if (failing.get()) {
				throw new IllegalStateException("declined " + order.id());
			}
			return null;
		});
		Recorder shipping = listen("shipping", 1, (order) -> null);
		String id = publishOrder("order-1");
		await().atMost(WAIT).until(() -> this.bus.deadLetters(this.topic).size() == 1 && settled("billing"));
		EventDeadLetter letter = this.bus.deadLetters(this.topic).get(0);
		assertThat(letter.event().id()).isEqualTo(id);
		assertThat(letter.group()).isEqualTo("billing");
		assertThat(letter.deadLetter().attempts()).isEqualTo(3);
		assertThat(letter.deadLetter().error()).startsWith("java.lang.IllegalStateException: declined order-1")
			.contains("\tat ");
		assertThat(billing.attempts).hasValue(3);
		await().atMost(WAIT).until(() -> shipping.handled.contains(id));
		assertThat(shipping.attempts).hasValue(1);

		failing.set(false);
		assertThat(this.bus.redrive(this.topic, "0-0")).isZero();
		assertThat(this.bus.redrive(this.topic, id)).isOne();
		await().atMost(WAIT).until(() -> billing.handled.contains(id));
		assertThat(this.bus.deadLetters(this.topic)).isEmpty();
		assertThat(this.bus.redrive(this.topic, id)).isZero();
		assertThat(shipping.attempts).hasValue(1);
	}

	@Test
	void everyDeadLetterOfATopicCanBeRedrivenAtOnce() {
		AtomicBoolean failing = new AtomicBoolean(true);
		Recorder billing = listen("billing", 1, (order) -> {
			if (failing.get()) {
				throw new IllegalStateException("declined");
			}
			return null;
		});
		List<String> ids = publishOrders(3);
		await().atMost(WAIT).until(() -> this.bus.deadLetters(this.topic).size() == 3);
		failing.set(false);
		assertThat(this.bus.redriveAll(this.topic)).isEqualTo(3);
		await().atMost(WAIT).until(() -> billing.handled.size() == 3);
		assertThat(billing.handled).containsExactlyInAnyOrderElementsOf(ids);
	}

	@Test
	void anEventItsListenerCannotReadIsADeadLetterAfterOneTry() {
		Recorder billing = listen("billing", 1, (order) -> null);
		String id = this.bus.publish(this.topic, "not an order");
		await().atMost(WAIT).until(() -> this.bus.deadLetters(this.topic).size() == 1);
		EventDeadLetter letter = this.bus.deadLetters(this.topic).get(0);
		assertThat(letter.event().id()).isEqualTo(id);
		assertThat(letter.deadLetter().attempts()).isOne();
		assertThat(letter.deadLetter().error()).contains("Cannot read the payload as");
		assertThat(billing.attempts).hasValue(0);
	}

	@Test
	void aRequestIsAnsweredByWhatTheListenerReturns() {
		listen("billing", 1, (order) -> new Receipt(order.id(), order.amount() * 2));
		CompletableFuture<Receipt> answer = this.bus.request(this.topic, new OrderCreated("order-7", 21),
				Receipt.class, WAIT);
		assertThat(answer).succeedsWithin(WAIT).isEqualTo(new Receipt("order-7", 42));
	}

	@Test
	void aRequestNobodyAnswersTimesOut() {
		Recorder billing = listen("billing", 1, (order) -> null);
		CompletableFuture<Receipt> answer = this.bus.request(this.topic, new OrderCreated("order-7", 21),
				Receipt.class, Duration.ofMillis(200));
		assertThat(answer).failsWithin(WAIT)
			.withThrowableOfType(java.util.concurrent.ExecutionException.class)
			.withCauseInstanceOf(TimeoutException.class)
			.withMessageContaining(this.topic);
		await().atMost(WAIT).untilAsserted(() -> assertThat(billing.attempts).hasValue(1));
	}

	@Test
	void aRequestWhoseListenerGivesUpFailsWithTheListenersError() {
		listen("billing", 1, (order) -> {
			throw new IllegalStateException("card declined");
		});
		CompletableFuture<Receipt> answer = this.bus.request(this.topic, new OrderCreated("order-7", 21),
				Receipt.class, WAIT);
		assertThat(answer).failsWithin(WAIT)
			.withThrowableOfType(java.util.concurrent.ExecutionException.class)
			.withCauseInstanceOf(EventHandlingException.class)
			.withMessageContaining("card declined");
	}

	@Test
	void aReplayFromAnIdGivesTheGroupThoseEventsAgainAndNoOtherGroup() {
		Recorder billing = listen("billing", 1, (order) -> null);
		Recorder shipping = listen("shipping", 1, (order) -> null);
		List<String> ids = publishOrders(5);
		await().atMost(WAIT).until(() -> billing.handled.size() == 5 && shipping.handled.size() == 5);
		this.bus.replay(this.topic, "billing", ids.get(2));
		await().atMost(WAIT).until(() -> billing.handled.size() == 8);
		assertThat(billing.handled).containsExactly(ids.get(0), ids.get(1), ids.get(2), ids.get(3), ids.get(4),
				ids.get(2), ids.get(3), ids.get(4));
		assertThat(settled("shipping")).isTrue();
		assertThat(shipping.handled).hasSize(5);
	}

	@Test
	void aReplayFromATimeGivesTheEventsPublishedFromThenOn() {
		Recorder billing = listen("billing", 1, (order) -> null);
		List<String> early = publishOrders(2);
		advanceTime(Duration.ofMinutes(1));
		List<String> late = publishOrders(2);
		await().atMost(WAIT).until(() -> billing.handled.size() == 4);
		this.bus.replay(this.topic, "billing", EventId.parse(late.get(0)).time());
		await().atMost(WAIT).until(() -> billing.handled.size() == 6);
		assertThat(billing.handled).containsExactly(early.get(0), early.get(1), late.get(0), late.get(1), late.get(0),
				late.get(1));
	}

	@Test
	void eventsPublishedBeforeAGroupListensAreKeptForReplay() {
		String before = publishOrder("order-0");
		Recorder billing = listen("billing", 1, (order) -> null);
		String after = publishOrder("order-1");
		await().atMost(WAIT).until(() -> billing.handled.contains(after));
		assertThat(billing.handled).containsExactly(after);
		this.bus.replay(this.topic, "billing", "0-0");
		await().atMost(WAIT).until(() -> billing.handled.size() == 3);
		assertThat(billing.handled).containsExactly(after, before, after);
	}

	@Test
	void aReplayNeedsAKnownGroupAndAnId() {
		listen("billing", 1, (order) -> null);
		assertThatIllegalArgumentException().isThrownBy(() -> this.bus.replay(this.topic, "nobody", "0-0"));
		assertThatIllegalArgumentException().isThrownBy(() -> this.bus.replay(this.topic, "billing", "yesterday"))
			.withMessageContaining("no event id");
	}

	@Test
	void aListenerHandlesAsManyEventsAtOnceAsItsConcurrency() throws InterruptedException {
		AtomicInteger running = new AtomicInteger();
		AtomicInteger mostAtOnce = new AtomicInteger();
		CountDownLatch release = new CountDownLatch(1);
		Recorder billing = listen("billing", 3, (order) -> {
			mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
			try {
				release.await();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			running.decrementAndGet();
			return null;
		});
		publishOrders(5);
		await().atMost(WAIT).until(() -> running.get() == 3);
		TopicSnapshot.GroupSnapshot group = group("billing");
		assertThat(group.pending()).isEqualTo(3);
		assertThat(group.lag()).isEqualTo(2);
		assertThat(this.bus.lag(this.topic, "billing")).isEqualTo(2);
		assertThat(this.bus.lag(this.topic, "nobody")).isEqualTo(-1);
		release.countDown();
		await().atMost(WAIT).until(() -> billing.handled.size() == 5);
		assertThat(mostAtOnce).hasValue(3);
	}

	@Test
	void aStoppedBusFinishesTheHandlersThatRunAndTakesNoNewEventsUntilStartedAgain() throws Exception {
		CountDownLatch entered = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		Recorder billing = listen("billing", 1, (order) -> {
			entered.countDown();
			try {
				release.await();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			return null;
		});
		String first = publishOrder("order-1");
		assertThat(entered.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
		CompletableFuture<Boolean> stopped = new CompletableFuture<>();
		new Thread(() -> stopped.complete(this.bus.stop(WAIT)), "stopping-bus").start();
		await().atMost(WAIT).until(() -> !this.bus.isRunning());
		String second = publishOrder("order-2");
		assertThat(stopped).isNotDone();
		release.countDown();
		assertThat(stopped).succeedsWithin(WAIT).isEqualTo(true);
		assertThat(billing.handled).containsExactly(first);
		// Not given to the listener yet, or given to it and not started: it waits either way.
		assertThat(group("billing").pending() + group("billing").lag()).isOne();
		this.bus.start();
		await().atMost(WAIT).until(() -> billing.handled.contains(second));
		assertThat(billing.handled).containsExactly(first, second);
	}

	@Test
	void eventsWaitingBehindABusyHandlerWhenTheBusStopsAreHandledOnceAfterItStartsAgain() throws Exception {
		CountDownLatch entered = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		Recorder billing = listen("billing", 1, (order) -> {
			if (order.id().equals("order-0")) {
				entered.countDown();
				try {
					release.await();
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
			return null;
		});
		String first = publishOrder("order-0");
		assertThat(entered.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
		List<String> waiting = new java.util.ArrayList<>();
		for (int i = 1; i <= 5; i++) {
			waiting.add(publishOrder("order-" + i));
		}
		CompletableFuture<Boolean> stopped = new CompletableFuture<>();
		new Thread(() -> stopped.complete(this.bus.stop(WAIT)), "stopping-bus").start();
		await().atMost(WAIT).until(() -> !this.bus.isRunning());
		release.countDown();
		assertThat(stopped).succeedsWithin(WAIT).isEqualTo(true);
		assertThat(billing.handled).as("handled before the stop ended").containsExactly(first);
		this.bus.start();
		await().atMost(WAIT).until(() -> billing.handled.size() >= 6 && group("billing").pending() == 0);
		assertThat(billing.handled).hasSize(6).doesNotHaveDuplicates().contains(first).containsAll(waiting);
	}

	@Test
	void eventsPublishedWithoutWaitingAreStoredOnceTheirFuturesCompleteAndHandledInOrder() {
		Recorder billing = listen("billing", 1, (order) -> null);
		List<CompletableFuture<String>> published = new java.util.ArrayList<>();
		for (int i = 0; i < 50; i++) {
			published.add(this.bus.publishAsync(this.topic, new OrderCreated("order-" + i, 10)));
		}
		List<String> ids = published.stream().map(CompletableFuture::join).toList();
		assertThat(ids).doesNotHaveDuplicates().doesNotContainNull();
		await().atMost(WAIT).until(() -> billing.handled.size() == 50);
		assertThat(billing.handled).containsExactlyElementsOf(ids);
	}

	@Test
	void aPayloadThatCannotBeWrittenFailsThePublishWithoutWaiting() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.bus.publishAsync(this.topic, new Unwritable()));
	}

	@Test
	void aStopInterruptsTheHandlersThatOutliveItsTimeout() throws InterruptedException {
		CountDownLatch entered = new CountDownLatch(1);
		CountDownLatch interrupted = new CountDownLatch(1);
		listen("billing", 1, (order) -> {
			entered.countDown();
			try {
				new CountDownLatch(1).await();
			}
			catch (InterruptedException ex) {
				interrupted.countDown();
			}
			throw new IllegalStateException("interrupted");
		});
		publishOrder("order-1");
		assertThat(entered.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
		assertThat(this.bus.stop(Duration.ofMillis(100))).isFalse();
		assertThat(interrupted.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
	}

	@Test
	void eventIdsIncreaseWithinATopic() {
		List<String> ids = publishOrders(50);
		for (int i = 1; i < ids.size(); i++) {
			assertThat(EventId.parse(ids.get(i))).isGreaterThan(EventId.parse(ids.get(i - 1)));
		}
	}

	protected Recorder listen(String group, int concurrency, Function<OrderCreated, Object> behaviour) {
		Recorder recorder = new Recorder(behaviour);
		HandlerInvoker invoker;
		try {
			invoker = HandlerInvoker.of(recorder, Recorder.class.getMethod("on", OrderCreated.class), this.codec);
		}
		catch (NoSuchMethodException ex) {
			throw new IllegalStateException(ex);
		}
		this.bus.subscribe(new Subscription(this.topic, group, concurrency, (event) -> {
			HandlingOutcome outcome = invoker.invoke(event.payload());
			if (outcome.succeeded()) {
				recorder.handled.add(event.id());
			}
			return outcome;
		}, "test listener " + group));
		return recorder;
	}

	protected String publishOrder(String id) {
		return this.bus.publish(this.topic, new OrderCreated(id, 10));
	}

	protected List<String> publishOrders(int count) {
		List<String> ids = new java.util.ArrayList<>();
		for (int i = 0; i < count; i++) {
			ids.add(publishOrder("order-" + i));
		}
		return ids;
	}

	protected TopicSnapshot.GroupSnapshot group(String name) {
		return this.bus.topics()
			.stream()
			.filter((snapshot) -> snapshot.topic().equals(this.topic))
			.flatMap((snapshot) -> snapshot.groups().stream())
			.filter((group) -> group.group().equals(name))
			.findFirst()
			.orElseThrow();
	}

	/**
	 * Whether a group has nothing left to do.
	 * @param name the group
	 * @return whether it has no lag and nothing pending
	 */
	protected boolean settled(String name) {
		TopicSnapshot.GroupSnapshot group = group(name);
		return group.lag() == 0 && group.pending() == 0;
	}

	public record OrderCreated(String id, int amount) {

	}

	/**
	 * A payload JSON cannot hold: its getter fails.
	 */
	public static final class Unwritable {

		public String getValue() {
			throw new IllegalStateException("not writable");
		}

	}

	public record Receipt(String orderId, int charged) {

	}

	/**
	 * A listener: what it was called with, how often, and the ids it handled.
	 */
	public static final class Recorder {

		public final Queue<String> handled = new ConcurrentLinkedQueue<>();

		public final Queue<OrderCreated> payloads = new ConcurrentLinkedQueue<>();

		public final AtomicInteger attempts = new AtomicInteger();

		private final Function<OrderCreated, Object> behaviour;

		Recorder(Function<OrderCreated, Object> behaviour) {
			this.behaviour = behaviour;
		}

		public Object on(OrderCreated order) {
			this.attempts.incrementAndGet();
			Object result = this.behaviour.apply(order);
			this.payloads.add(order);
			return result;
		}

	}

}
