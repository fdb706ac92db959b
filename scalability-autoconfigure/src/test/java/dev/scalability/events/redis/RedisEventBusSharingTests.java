package dev.scalability.events.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.scalability.delivery.Backoff;
import dev.scalability.delivery.HandlingOutcome;
import dev.scalability.delivery.JacksonPayloadCodec;
import dev.scalability.delivery.PayloadCodec;
import dev.scalability.delivery.RetryPolicy;
import dev.scalability.events.Event;
import dev.scalability.events.EventBusSettings;
import dev.scalability.events.EventHandler;
import dev.scalability.events.Subscription;
import dev.scalability.events.TopicSnapshot;
import dev.scalability.redis.GuardedRedis;
import dev.scalability.redis.RedisKeys;
import dev.scalability.redis.TestGuards;
import dev.scalability.test.redis.LettuceFactories;
import dev.scalability.test.redis.RedisTest;
import dev.scalability.test.redis.TestRedis;
import dev.scalability.time.MonotonicClock;
import io.lettuce.core.Consumer;
import io.lettuce.core.Range;
import io.lettuce.core.XClaimArgs;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Several instances of an application on one Redis: a group's events shared among them,
 * a crashed instance's events claimed by another, answers sent to the instance that asked,
 * dead letters written with their acknowledgement, and trimming that keeps what a group
 * still needs.
 */
@RedisTest
class RedisEventBusSharingTests {

	private static final Duration WAIT = Duration.ofSeconds(15);

	private static final Duration CLAIM_IDLE = Duration.ofMillis(600);

	private static LettuceConnectionFactory connectionFactory;

	private final PayloadCodec codec = new JacksonPayloadCodec(JsonMapper.builder().build());

	private final String prefix = "events-sharing:" + UUID.randomUUID() + ":";

	private final String topic = "orders-" + UUID.randomUUID();

	private final List<RedisEventBus> buses = new ArrayList<>();

	@BeforeAll
	static void connect() {
		connectionFactory = LettuceFactories.standalone(TestRedis.requireShared());
	}

	@AfterAll
	static void disconnect() {
		connectionFactory.destroy();
	}

	@AfterEach
	void stopBuses() {
		this.buses.forEach((bus) -> bus.stop(WAIT));
	}

	@Test
	void eachEventIsHandledOnceAcrossTheInstancesOfAGroup() {
		Queue<String> first = new ConcurrentLinkedQueue<>();
		Queue<String> second = new ConcurrentLinkedQueue<>();
		RedisEventBus one = startedBus("instance-1", settings(3, 1_000));
		RedisEventBus two = startedBus("instance-2", settings(3, 1_000));
		one.subscribe(subscription("billing", 2, recording(first)));
		two.subscribe(subscription("billing", 2, recording(second)));
		List<String> ids = new ArrayList<>();
		for (int i = 0; i < 200; i++) {
			ids.add(one.publish(this.topic, Map.of("order", i)));
		}
		await().atMost(WAIT).until(() -> first.size() + second.size() >= 200 && settled(one, "billing"));
		List<String> handled = new ArrayList<>(first);
		handled.addAll(second);
		assertThat(handled).hasSize(200).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(ids);
		assertThat(first).as("events handled by the first instance").isNotEmpty();
		assertThat(second).as("events handled by the second instance").isNotEmpty();
	}

	@Test
	void theEventsOfAnInstanceThatDiedMidHandlerAreClaimedByAnother() throws InterruptedException {
		CountDownLatch entered = new CountDownLatch(1);
		RedisEventBus dying = startedBus("dying", settings(3, 1_000));
		dying.subscribe(subscription("billing", 1, (event) -> {
			entered.countDown();
			try {
				new CountDownLatch(1).await();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			return HandlingOutcome.failure(new IllegalStateException("killed"));
		}));
		String id = dying.publish(this.topic, Map.of("order", 1));
		assertThat(entered.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
		// Stopped at once, as by a crash: the handler never finishes, nothing is acknowledged,
		// and its instance renews the event no more.
		assertThat(dying.stop(Duration.ofMillis(1))).isFalse();
		assertThat(group(dying, "billing").pending()).isOne();

		Queue<String> survivor = new ConcurrentLinkedQueue<>();
		Queue<Integer> attempts = new ConcurrentLinkedQueue<>();
		RedisEventBus other = startedBus("survivor", settings(3, 1_000));
		other.subscribe(subscription("billing", 1, (event) -> {
			survivor.add(event.id());
			return HandlingOutcome.success(null);
		}));
		await().atMost(WAIT).until(() -> survivor.contains(id) && settled(other, "billing"));
		assertThat(survivor).containsExactly(id);
	}

	@Test
	void anEventStillHandledDuringAGracefulStopIsNotClaimedByAnotherInstance() throws InterruptedException {
		CountDownLatch entered = new CountDownLatch(1);
		RedisEventBus stopping = startedBus("stopping", settings(3, 1_000));
		stopping.subscribe(subscription("billing", 1, (event) -> {
			entered.countDown();
			try {
				// Longer than the claim bound: only renewal keeps other instances off it.
				Thread.sleep(2_000);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			return HandlingOutcome.success(null);
		}));
		stopping.publish(this.topic, Map.of("order", 1));
		assertThat(entered.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
		CompletableFuture<Boolean> stopped = CompletableFuture.supplyAsync(() -> stopping.stop(Duration.ofSeconds(10)));

		Queue<String> other = new ConcurrentLinkedQueue<>();
		RedisEventBus staying = startedBus("staying", settings(3, 1_000));
		staying.subscribe(subscription("billing", 1, recording(other)));
		await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(other::isEmpty);
		assertThat(stopped.join()).as("the handler finished within the stop").isTrue();
		assertThat(group(staying, "billing").pending()).isZero();
	}

	@Test
	void triesCountedBeforeACrashCountAfterTheClaim() throws InterruptedException {
		CountDownLatch entered = new CountDownLatch(1);
		RedisEventBus dying = startedBus("dying", settings(2, 1_000));
		dying.subscribe(subscription("billing", 1, (event) -> {
			entered.countDown();
			try {
				new CountDownLatch(1).await();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			return HandlingOutcome.failure(new IllegalStateException("killed"));
		}));
		String id = dying.publish(this.topic, Map.of("order", 1));
		assertThat(entered.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
		dying.stop(Duration.ofMillis(1));

		Queue<String> calls = new ConcurrentLinkedQueue<>();
		RedisEventBus other = startedBus("survivor", settings(2, 1_000));
		other.subscribe(subscription("billing", 1, (event) -> {
			calls.add(event.id());
			return HandlingOutcome.failure(new IllegalStateException("declined"));
		}));
		await().atMost(WAIT).until(() -> other.deadLetters(this.topic).size() == 1 && settled(other, "billing"));
		assertThat(other.deadLetters(this.topic)).singleElement().satisfies((letter) -> {
			assertThat(letter.event().id()).isEqualTo(id);
			assertThat(letter.deadLetter().attempts()).as("the crashed try and the claimed one").isEqualTo(2);
		});
		assertThat(calls).containsExactly(id);
	}

	@Test
	void aLongHandlerKeepsItsEventFromBeingClaimedWhileItsInstanceLives() {
		CountDownLatch release = new CountDownLatch(1);
		Queue<String> slowOnes = new ConcurrentLinkedQueue<>();
		Queue<String> others = new ConcurrentLinkedQueue<>();
		RedisEventBus slow = startedBus("slow", settings(3, 1_000));
		slow.subscribe(subscription("billing", 1, (event) -> {
			slowOnes.add(event.id());
			try {
				release.await();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			return HandlingOutcome.success(null);
		}));
		String id = slow.publish(this.topic, Map.of("order", 1));
		await().atMost(WAIT).until(() -> slowOnes.contains(id));
		RedisEventBus other = startedBus("other", settings(3, 1_000));
		other.subscribe(subscription("billing", 1, recording(others)));
		String marker = slow.publish(this.topic, Map.of("order", 2));
		await().atMost(WAIT).until(() -> others.contains(marker));
		// Five claim bounds: without renewal the other instance would have claimed it.
		await().during(CLAIM_IDLE.multipliedBy(5)).atMost(WAIT).until(() -> !others.contains(id));
		release.countDown();
		await().atMost(WAIT).until(() -> settled(slow, "billing"));
		assertThat(slowOnes).containsExactly(id);
	}

	@Test
	void aListenerThatKeepsFailingStopsReadingOnceItHoldsItsBoundOfRetriesAndLeavesTheRestToOthers() {
		AtomicInteger tries = new AtomicInteger();
		EventBusSettings slowRetries = new EventBusSettings(
				new RetryPolicy(3, Backoff.exponential(Duration.ofMinutes(1), Duration.ofMinutes(1))), 10_000, 100, 100);
		RedisEventBus failing = startedBus("failing", slowRetries);
		failing.subscribe(subscription("billing", 1, (event) -> {
			tries.incrementAndGet();
			return HandlingOutcome.failure(new IllegalStateException("dependency down"));
		}));
		int published = 1_000;
		for (int i = 0; i < published; i++) {
			failing.publish(this.topic, Map.of("order", i));
		}
		// One thread holds 100 retries, and what it had read ahead (256 at most), then reads no more.
		await().atMost(WAIT).until(() -> tries.get() >= 100);
		AtomicInteger seen = new AtomicInteger(-1);
		await().during(Duration.ofMillis(500)).atMost(WAIT).until(() -> seen.getAndSet(tries.get()) == tries.get());
		assertThat(tries.get()).isBetween(100, 100 + 256 + 1);
		long leftInRedis = group(failing, "billing").lag();
		assertThat(leftInRedis).isEqualTo(published - tries.get());

		Queue<String> healthy = new ConcurrentLinkedQueue<>();
		RedisEventBus other = startedBus("healthy", settings(3, 10_000));
		other.subscribe(subscription("billing", 1, recording(healthy)));
		await().atMost(WAIT).until(() -> healthy.size() == leftInRedis);
	}

	@Test
	void eventsReadAheadOfAHandlerThatHangsGoToAnotherInstanceWithoutCountingATry() {
		CountDownLatch release = new CountDownLatch(1);
		Queue<String> slowOnes = new ConcurrentLinkedQueue<>();
		RedisEventBus slow = startedBus("slow", settings(1, 1_000));
		slow.subscribe(subscription("billing", 1, (event) -> {
			slowOnes.add(event.id());
			if (slowOnes.size() == 2) {
				awaitQuietly(release);
			}
			return HandlingOutcome.success(null);
		}));
		String fast = slow.publish(this.topic, Map.of("order", 0));
		await().atMost(WAIT).until(() -> slowOnes.contains(fast));
		String hanging = slow.publish(this.topic, Map.of("order", 1));
		await().atMost(WAIT).until(() -> slowOnes.contains(hanging));
		List<String> readAhead = new ArrayList<>();
		for (int i = 0; i < 20; i++) {
			readAhead.add(slow.publish(this.topic, Map.of("order", 2 + i)));
		}
		Queue<String> others = new ConcurrentLinkedQueue<>();
		RedisEventBus other = startedBus("other", settings(1, 1_000));
		other.subscribe(subscription("billing", 1, recording(others)));
		// One try each: a try counted for the read-ahead would make them dead letters unhandled.
		await().atMost(WAIT).until(() -> others.size() == 20);
		release.countDown();
		await().atMost(WAIT).until(() -> settled(other, "billing"));
		assertThat(others).containsExactlyInAnyOrderElementsOf(readAhead);
		assertThat(slowOnes).containsExactly(fast, hanging);
		assertThat(other.deadLetters(this.topic)).isEmpty();
	}

	@Test
	void eventsReadAheadWhenAnInstanceStopsAreHandledOnceByAnotherEvenAfterTheFirstStartsAgain() throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		Queue<String> firstOnes = new ConcurrentLinkedQueue<>();
		RedisEventBus first = startedBus("first", settings(3, 1_000));
		first.subscribe(subscription("billing", 1, (event) -> {
			firstOnes.add(event.id());
			if (firstOnes.size() == 2) {
				awaitQuietly(release);
			}
			return HandlingOutcome.success(null);
		}));
		String fast = first.publish(this.topic, Map.of("order", 0));
		await().atMost(WAIT).until(() -> firstOnes.contains(fast));
		String running = first.publish(this.topic, Map.of("order", 1));
		await().atMost(WAIT).until(() -> firstOnes.contains(running));
		List<String> ids = new ArrayList<>(List.of(fast, running));
		for (int i = 0; i < 10; i++) {
			ids.add(first.publish(this.topic, Map.of("order", 2 + i)));
		}
		Queue<String> secondOnes = new ConcurrentLinkedQueue<>();
		RedisEventBus second = startedBus("second", settings(3, 1_000));
		second.subscribe(subscription("billing", 1, recording(secondOnes)));
		CompletableFuture<Boolean> stopped = CompletableFuture.supplyAsync(() -> first.stop(WAIT));
		await().atMost(WAIT).until(() -> !first.isRunning());
		release.countDown();
		assertThat(stopped.get(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
		// Past the claim bound, then the first instance starts again.
		await().atMost(WAIT).until(() -> secondOnes.size() + firstOnes.size() >= ids.size());
		first.start();
		await().during(CLAIM_IDLE.multipliedBy(3)).atMost(WAIT).until(() -> settled(second, "billing"));
		List<String> handled = new ArrayList<>(firstOnes);
		handled.addAll(secondOnes);
		assertThat(handled).containsExactlyInAnyOrderElementsOf(ids);
	}

	@Test
	void aStopNeverTakesBackReadAheadEventsAnotherInstanceClaimedMeanwhile() throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		Queue<String> handled = new ConcurrentLinkedQueue<>();
		RedisEventBus paused = startedBus("paused", settings(3, 1_000));
		paused.subscribe(subscription("billing", 1, (event) -> {
			handled.add(event.id());
			if (handled.size() == 2) {
				awaitQuietly(release);
			}
			return HandlingOutcome.success(null);
		}));
		String fast = paused.publish(this.topic, Map.of("order", 0));
		await().atMost(WAIT).until(() -> handled.contains(fast));
		String running = paused.publish(this.topic, Map.of("order", 1));
		await().atMost(WAIT).until(() -> handled.contains(running));
		List<String> readAhead = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			readAhead.add(paused.publish(this.topic, Map.of("order", 2 + i)));
		}
		GuardedRedis redis = TestGuards.bounded(connectionFactory, RedisEventBuses.TIMEOUT);
		byte[] stream = new EventStreams(new RedisKeys(this.prefix)).stream(this.topic);
		byte[] group = bytes("billing");
		await().atMost(WAIT).until(() -> pendingCount(redis, stream, group) == 1 + readAhead.size());
		// Another instance claims them while this one is frozen, as after a long pause.
		redis.call((commands) -> commands.xclaim(stream, Consumer.from(group, bytes("claimer")),
				XClaimArgs.Builder.minIdleTime(0), readAhead.toArray(String[]::new)));

		CompletableFuture<Boolean> stopped = CompletableFuture.supplyAsync(() -> paused.stop(WAIT));
		await().atMost(WAIT).until(() -> !paused.isRunning());
		release.countDown();
		assertThat(stopped.get(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
		List<Object> owners = redis.call((commands) -> commands.xpending(stream, group, Range.create("-", "+"),
				io.lettuce.core.Limit.from(100)))
			.stream()
			.map((pending) -> (Object) pending.getConsumer())
			.toList();
		assertThat(owners).as("still the claimer's").hasSize(readAhead.size()).containsOnly("claimer");
		assertThat(handled).as("not run by the paused instance").containsExactly(fast, running);
	}

	@Test
	void aStopWaitsForThePublishesSentWithoutWaiting() {
		// A generous timeout: the publishes beyond the 1,024 under way wait for places, and
		// a loaded machine must not turn that wait into a failure this test is not about.
		RedisEventBus bus = RedisEventBuses.bus(TestGuards.bounded(connectionFactory, Duration.ofSeconds(30)),
				connectionFactory, this.prefix, "publisher", settings(3, 10_000), CLAIM_IDLE, this.codec,
				MonotonicClock.system());
		bus.start();
		this.buses.add(bus);
		bus.publish(this.topic, Map.of("order", -1));
		List<CompletableFuture<String>> published = new ArrayList<>();
		for (int i = 0; i < 2_000; i++) {
			published.add(bus.publishAsync(this.topic, Map.of("order", i)));
		}
		assertThat(bus.stop(WAIT)).isTrue();
		assertThat(published).allSatisfy((future) -> assertThat(future).isCompleted());
		assertThat(published.stream().map(CompletableFuture::join).distinct()).hasSize(2_000);
		assertThat(snapshot(bus).events()).isEqualTo(2_001);
	}

	@Test
	void anAnswerGoesToTheInstanceThatAsked() {
		RedisEventBus asking = startedBus("asking", settings(3, 1_000));
		RedisEventBus answering = startedBus("answering", settings(3, 1_000));
		answering.subscribe(subscription("pricing", 1, (event) -> {
			Map<?, ?> order = (Map<?, ?>) this.codec.read(event.payload(), Map.class);
			return HandlingOutcome.success(Map.of("price", ((Number) order.get("amount")).intValue() * 2));
		}));
		CompletableFuture<Map> answer = asking.request(this.topic, Map.of("amount", 21), Map.class, WAIT);
		assertThat(answer).succeedsWithin(WAIT).isEqualTo(Map.of("price", 42));
		assertThat(asking.pendingRequests()).isZero();
	}

	@Test
	void anEventDeliveredMoreOftenThanItsTriesIsADeadLetterWithoutRunningItsHandler() {
		GuardedRedis redis = TestGuards.bounded(connectionFactory, RedisEventBuses.TIMEOUT);
		byte[] stream = new EventStreams(new RedisKeys(this.prefix)).stream(this.topic);
		byte[] group = bytes("billing");
		redis.call((commands) -> commands.xgroupCreate(XReadArgs.StreamOffset.from(stream, "0"), group,
				XGroupCreateArgs.Builder.mkstream()));
		String id = redis.call((commands) -> commands.xadd(stream,
				(Object[]) EventEntries.fields(Map.of(), "{\"order\":1}")));
		redis.call((commands) -> commands.xreadgroup(Consumer.from(group, bytes("ghost")),
				XReadArgs.StreamOffset.lastConsumed(stream)));
		// As if consumers had taken it ten times and each died handling it.
		redis.call((commands) -> commands.xclaim(stream, Consumer.from(group, bytes("ghost")),
				XClaimArgs.Builder.minIdleTime(0).retryCount(10), id));

		Queue<String> handled = new ConcurrentLinkedQueue<>();
		RedisEventBus bus = startedBus("instance-1", settings(3, 1_000));
		bus.subscribe(subscription("billing", 1, recording(handled)));
		await().atMost(WAIT).until(() -> bus.deadLetters(this.topic).size() == 1 && settled(bus, "billing"));
		assertThat(bus.deadLetters(this.topic)).singleElement().satisfies((letter) -> {
			assertThat(letter.event().id()).isEqualTo(id);
			assertThat(letter.deadLetter().error()).contains("exceeded max attempts")
				.contains("its consumers likely died handling it");
		});
		assertThat(handled).as("events handed to the handler").isEmpty();
	}

	@Test
	void deadLettersTrimmedBeyondTheirRetentionAreCounted() {
		AtomicInteger tries = new AtomicInteger();
		RedisEventBus bus = startedBus("instance-1", settings(1, 3_000));
		bus.subscribe(subscription("billing", 4, (event) -> {
			tries.incrementAndGet();
			return HandlingOutcome.failure(new IllegalStateException("dependency down"));
		}));
		for (int i = 0; i < 2_000; i++) {
			bus.publish(this.topic, Map.of("order", i));
		}
		await().atMost(WAIT).until(() -> tries.get() == 2_000 && settled(bus, "billing"));
		long kept = bus.deadLetters(this.topic).size();
		assertThat(kept).as("dead letters kept").isLessThan(2_000);
		assertThat(kept + bus.deadLettersForgotten()).isEqualTo(2_000);
		assertThat(bus.details()).containsEntry("deadLettersForgotten", 2_000 - kept);
	}

	@Test
	void aDeadLetterIsWrittenWithItsAcknowledgementAndNeverTwice() {
		GuardedRedis redis = TestGuards.bounded(connectionFactory, RedisEventBuses.TIMEOUT);
		EventStreams streams = new EventStreams(new RedisKeys(this.prefix));
		byte[] stream = streams.stream(this.topic);
		byte[] dead = streams.deadLetters(this.topic);
		byte[] group = bytes("billing");
		redis.call((commands) -> commands.xgroupCreate(XReadArgs.StreamOffset.from(stream, "0"), group,
				XGroupCreateArgs.Builder.mkstream()));
		String id = redis.call((commands) -> commands.xadd(stream, (Object[]) new byte[][] { bytes("payload"),
				bytes("{}") }));
		redis.call((commands) -> commands.xreadgroup(Consumer.from(group, bytes("instance-1")),
				XReadArgs.StreamOffset.lastConsumed(stream)));
		assertThat(pendingCount(redis, stream, group)).isOne();

		byte[][] args = { group, bytes(id), bytes("100"), bytes("event-id"), bytes(id), bytes("error"),
				bytes("declined") };
		assertThat(redis.script(StreamScripts.DEAD_LETTER, new byte[][] { stream, dead }, args)).containsExactly(1L,
				0L);
		assertThat(pendingCount(redis, stream, group)).isZero();
		assertThat(redis.<Long>call((commands) -> commands.xlen(dead))).isOne();

		assertThat(redis.script(StreamScripts.DEAD_LETTER, new byte[][] { stream, dead }, args)).containsExactly(0L);
		assertThat(redis.<Long>call((commands) -> commands.xlen(dead))).isOne();
	}

	@Test
	void aPoisonEventBecomesOneDeadLetterAndIsHandledOnceRedriven() {
		Queue<String> handled = new ConcurrentLinkedQueue<>();
		java.util.concurrent.atomic.AtomicBoolean failing = new java.util.concurrent.atomic.AtomicBoolean(true);
		RedisEventBus one = startedBus("instance-1", settings(2, 1_000));
		RedisEventBus two = startedBus("instance-2", settings(2, 1_000));
		EventHandler handler = (event) -> {
			if (failing.get()) {
				return HandlingOutcome.failure(new IllegalStateException("poison"));
			}
			handled.add(event.id());
			return HandlingOutcome.success(null);
		};
		one.subscribe(subscription("billing", 1, handler));
		two.subscribe(subscription("billing", 1, handler));
		String id = one.publish(this.topic, Map.of("order", 1));
		await().atMost(WAIT).until(() -> one.deadLetters(this.topic).size() == 1 && settled(one, "billing"));
		assertThat(two.deadLetters(this.topic)).singleElement()
			.satisfies((letter) -> assertThat(letter.deadLetter().attempts()).isEqualTo(2));
		failing.set(false);
		assertThat(two.redrive(this.topic, id)).isOne();
		await().atMost(WAIT).until(() -> handled.contains(id));
		assertThat(one.deadLetters(this.topic)).isEmpty();
		assertThat(handled).containsExactly(id);
		// Handled and acknowledged, the redriven entry goes with the next trim.
		GuardedRedis redis = TestGuards.bounded(connectionFactory, RedisEventBuses.TIMEOUT);
		byte[] redrive = new EventStreams(new RedisKeys(this.prefix)).redrive(this.topic, "billing");
		await().atMost(WAIT).until(() -> {
			one.trim(this.topic);
			return redis.<Long>call((commands) -> commands.xlen(redrive)) == 0;
		});
	}

	@Test
	void aDeadLetterOfAGroupThatNoLongerExistsIsKeptRatherThanRedriven() {
		RedisEventBus bus = startedBus("instance-1", settings(1, 1_000));
		bus.subscribe(subscription("billing", 1,
				(event) -> HandlingOutcome.failure(new IllegalStateException("poison"))));
		bus.publish(this.topic, Map.of("order", 1));
		await().atMost(WAIT).until(() -> bus.deadLetters(this.topic).size() == 1 && settled(bus, "billing"));
		// Stopped first: a running listener would make its group again.
		assertThat(bus.stop(WAIT)).isTrue();
		GuardedRedis redis = TestGuards.bounded(connectionFactory, RedisEventBuses.TIMEOUT);
		byte[] stream = new EventStreams(new RedisKeys(this.prefix)).stream(this.topic);
		assertThat(redis.<Boolean>call((commands) -> commands.xgroupDestroy(stream, bytes("billing")))).isTrue();

		assertThat(bus.redriveAll(this.topic)).isZero();
		assertThat(bus.deadLetters(this.topic)).hasSize(1);
	}

	@Test
	void trimmingKeepsTheRetentionAndEveryEntryAGroupStillNeeds() {
		CountDownLatch release = new CountDownLatch(1);
		Queue<String> handled = new ConcurrentLinkedQueue<>();
		RedisEventBus bus = startedBus("instance-1", settings(3, 5));
		bus.subscribe(subscription("billing", 1, (event) -> {
			if (handled.size() == 2) {
				try {
					release.await();
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
			handled.add(event.id());
			return HandlingOutcome.success(null);
		}));
		List<String> ids = new ArrayList<>();
		for (int i = 0; i < 20; i++) {
			ids.add(bus.publish(this.topic, Map.of("order", i)));
		}
		// Pending: the one being handled, and those read ahead of it.
		await().atMost(WAIT).until(() -> group(bus, "billing").pending() >= 1 && handled.size() == 2);
		bus.trim(this.topic);
		TopicSnapshot held = snapshot(bus);
		assertThat(held.events()).as("entries from the one being handled on").isEqualTo(18);
		release.countDown();
		await().atMost(WAIT).until(() -> handled.size() == 20 && settled(bus, "billing"));
		assertThat(handled).containsExactlyElementsOf(ids);
		assertThat(bus.trim(this.topic)).isEqualTo(13);
		assertThat(snapshot(bus).events()).isEqualTo(5);
		assertThat(snapshot(bus).lastId()).isEqualTo(ids.get(19));
	}

	private RedisEventBus startedBus(String consumer, EventBusSettings settings) {
		RedisEventBus bus = RedisEventBuses.bus(connectionFactory, this.prefix, consumer, settings, CLAIM_IDLE,
				this.codec, MonotonicClock.system());
		bus.start();
		this.buses.add(bus);
		return bus;
	}

	private Subscription subscription(String group, int concurrency, EventHandler handler) {
		return new Subscription(this.topic, group, concurrency, handler, "listener of " + group);
	}

	private static void awaitQuietly(CountDownLatch latch) {
		try {
			latch.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static EventHandler recording(Queue<String> handled) {
		return (Event event) -> {
			handled.add(event.id());
			return HandlingOutcome.success(null);
		};
	}

	private static EventBusSettings settings(int maxAttempts, int retention) {
		return new EventBusSettings(
				new RetryPolicy(maxAttempts, Backoff.exponential(Duration.ofMillis(5), Duration.ofMillis(20))),
				retention, 100, 100);
	}

	private TopicSnapshot snapshot(RedisEventBus bus) {
		return bus.topics().stream().filter((snapshot) -> snapshot.topic().equals(this.topic)).findFirst().orElseThrow();
	}

	private TopicSnapshot.GroupSnapshot group(RedisEventBus bus, String name) {
		return snapshot(bus).groups().stream().filter((group) -> group.group().equals(name)).findFirst().orElseThrow();
	}

	private boolean settled(RedisEventBus bus, String name) {
		TopicSnapshot.GroupSnapshot group = group(bus, name);
		return group.lag() == 0 && group.pending() == 0;
	}

	private static long pendingCount(GuardedRedis redis, byte[] stream, byte[] group) {
		return redis.call((commands) -> commands.xpending(stream, group, Range.create("-", "+"),
				io.lettuce.core.Limit.from(10))).size();
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
