package dev.scalability.events.memory;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import dev.scalability.delivery.Backoff;
import dev.scalability.delivery.RetryPolicy;
import dev.scalability.events.EventBusBackend;
import dev.scalability.events.EventBusBehaviourTests;
import dev.scalability.events.EventBusObserver;
import dev.scalability.events.EventBusSettings;
import dev.scalability.events.EventPublishException;
import dev.scalability.events.TopicSnapshot;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The behaviour suite on the memory backend, and its bounds: events, dead letters and
 * topics.
 */
class EventBusInMemoryBehaviourTests extends EventBusBehaviourTests {

	@Override
	protected EventBusBackend createBus(EventBusSettings settings) {
		return new MemoryEventBus(settings, this.codec, EventBusObserver.NONE, this.clock::nanos);
	}

	@Test
	void aTopicForgetsItsOldestHandledEventsBeyondItsRetention() {
		restartWith(bounded(3, 100, 100, 3));
		Recorder billing = listen("billing", 1, (order) -> null);
		for (int i = 0; i < 10; i++) {
			String id = publishOrder("order-" + i);
			await().atMost(WAIT).until(() -> billing.handled.contains(id));
		}
		assertThat(snapshot().events()).isEqualTo(3);
	}

	@Test
	void aTopicWithoutListenersKeepsItsLatestEvents() {
		restartWith(bounded(3, 100, 100, 3));
		String last = publishOrders(5).get(4);
		TopicSnapshot snapshot = snapshot();
		assertThat(snapshot.events()).isEqualTo(3);
		assertThat(snapshot.lastId()).isEqualTo(last);
	}

	@Test
	void aPublishThatWouldDropAnEventAGroupStillNeedsThrowsInstead() {
		restartWith(bounded(3, 100, 100, 3));
		CountDownLatch release = new CountDownLatch(1);
		Recorder billing = listen("billing", 1, (order) -> {
			try {
				release.await();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			return null;
		});
		publishOrders(3);
		await().atMost(WAIT).until(() -> billing.attempts.get() == 1);
		assertThatExceptionOfType(EventPublishException.class).isThrownBy(() -> publishOrder("order-3"))
			.withMessageContaining("scalability.events.retention")
			.withMessageContaining("'billing'");
		release.countDown();
		await().atMost(WAIT).until(() -> settled("billing"));
		String accepted = publishOrder("order-3");
		await().atMost(WAIT).until(() -> billing.handled.contains(accepted));
		assertThat(billing.handled).hasSize(4);
	}

	@Test
	void aRedrivenEventTheTopicNoLongerKeepsDoesNotHoldBackPublishing() {
		restartWith(bounded(3, 100, 100, 1));
		AtomicInteger poisonTries = new AtomicInteger();
		CountDownLatch release = new CountDownLatch(1);
		Recorder billing = listen("billing", 1, (order) -> {
			if (order.id().equals("poison") && poisonTries.incrementAndGet() == 1) {
				throw new IllegalStateException("declined " + order.id());
			}
			if (order.id().equals("poison")) {
				try {
					release.await();
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
			return null;
		});
		String poison = publishOrder("poison");
		await().atMost(WAIT).until(() -> this.bus.deadLetters(this.topic).size() == 1);
		publishOrders(3);
		await().atMost(WAIT).until(() -> settled("billing") && billing.handled.size() == 3);
		assertThat(this.bus.redrive(this.topic, poison)).isOne();
		await().atMost(WAIT).until(() -> poisonTries.get() == 2);
		String next = publishOrder("order-after-redrive");
		release.countDown();
		await().atMost(WAIT).until(() -> billing.handled.containsAll(List.of(poison, next)));
	}

	@Test
	void aTopicKeepsItsLatestDeadLettersAndCountsTheOnesItForgot() {
		restartWith(bounded(100, 2, 100, 1));
		listen("billing", 1, (order) -> {
			throw new IllegalStateException("declined " + order.id());
		});
		publishOrders(3);
		await().atMost(WAIT).until(() -> settled("billing"));
		assertThat(this.bus.deadLetters(this.topic)).extracting((letter) -> letter.deadLetter().error())
			.allSatisfy((error) -> assertThat(error).doesNotContain("declined order-0"))
			.hasSize(2);
		assertThat(this.bus.details()).containsEntry("deadLettersForgotten", 1L);
	}

	@Test
	void theBusKeepsNoMoreTopicsThanItsBound() {
		restartWith(bounded(100, 100, 2, 3));
		this.bus.publish("first", "a");
		this.bus.publish("second", "b");
		this.bus.publish("first", "c");
		assertThatExceptionOfType(EventPublishException.class).isThrownBy(() -> this.bus.publish("third", "d"))
			.withMessageContaining("scalability.events.max-topics");
	}

	@Test
	void listenersGetACopyOfThePayloadNotThePublishersObject() {
		Recorder billing = listen("billing", 1, (order) -> null);
		OrderCreated published = new OrderCreated("order-1", 10);
		this.bus.publish(this.topic, published);
		await().atMost(WAIT).until(() -> billing.payloads.size() == 1);
		assertThat(billing.payloads.peek()).isEqualTo(published).isNotSameAs(published);
	}

	@Test
	void answeredAndTimedOutRequestsLeaveNothingBehind() {
		listen("billing", 1, (order) -> (order.amount() > 0) ? new Receipt(order.id(), order.amount()) : null);
		MemoryEventBus memoryBus = (MemoryEventBus) this.bus;
		assertThat(memoryBus.request(this.topic, new OrderCreated("paid", 1), Receipt.class, WAIT))
			.succeedsWithin(WAIT);
		assertThat(memoryBus.request(this.topic, new OrderCreated("free", 0), Receipt.class, Duration.ofMillis(50)))
			.failsWithin(WAIT);
		assertThat(memoryBus.pendingRequests()).isZero();
	}

	private void restartWith(EventBusSettings settings) {
		this.bus.stop(WAIT);
		this.bus = createBus(settings);
		this.bus.start();
	}

	private static EventBusSettings bounded(int retention, int deadLetters, int topics, int maxAttempts) {
		return new EventBusSettings(
				new RetryPolicy(maxAttempts, Backoff.exponential(Duration.ofMillis(1), Duration.ofMillis(5))),
				retention, deadLetters, topics);
	}

	private TopicSnapshot snapshot() {
		return this.bus.topics().stream().filter((topic) -> topic.topic().equals(this.topic)).findFirst().orElseThrow();
	}

}
