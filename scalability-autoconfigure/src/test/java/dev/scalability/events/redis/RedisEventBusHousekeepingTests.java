package dev.scalability.events.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.scalability.delivery.Backoff;
import dev.scalability.delivery.HandlingOutcome;
import dev.scalability.delivery.JacksonPayloadCodec;
import dev.scalability.delivery.RetryPolicy;
import dev.scalability.events.EventBusSettings;
import dev.scalability.events.Subscription;
import dev.scalability.redis.GuardedRedis;
import dev.scalability.redis.RedisKeys;
import dev.scalability.redis.TestGuards;
import dev.scalability.test.redis.LettuceFactories;
import dev.scalability.test.redis.RedisTest;
import dev.scalability.test.redis.TestRedis;
import dev.scalability.time.MonotonicClock;
import io.lettuce.core.Consumer;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.XTrimArgs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What Redis Streams leave to their users: an entry trimmed while pending comes back from
 * a claim as gone, and consumers of gone instances stay in their group until removed.
 */
@RedisTest
class RedisEventBusHousekeepingTests {

	private static final Duration WAIT = Duration.ofSeconds(15);

	private static LettuceConnectionFactory connectionFactory;

	private final String prefix = "events-housekeeping:" + UUID.randomUUID() + ":";

	private final String topic = "orders-" + UUID.randomUUID();

	private final List<RedisEventBus> buses = new ArrayList<>();

	private GuardedRedis redis;

	private final EventStreams streams = new EventStreams(new RedisKeys(this.prefix));

	@BeforeAll
	static void connect() {
		connectionFactory = LettuceFactories.standalone(TestRedis.requireShared());
	}

	@AfterAll
	static void disconnect() {
		connectionFactory.destroy();
	}

	@BeforeEach
	void guard() {
		this.redis = TestGuards.bounded(connectionFactory, RedisEventBuses.TIMEOUT);
	}

	@AfterEach
	void stopBuses() {
		this.buses.forEach((bus) -> bus.stop(WAIT));
	}

	@Test
	void anEntryTrimmedWhileAGroupHeldItIsCountedAsLostAndLeavesNothingPending() throws InterruptedException {
		CountDownLatch entered = new CountDownLatch(1);
		RedisEventBus dying = bus("dying");
		dying.subscribe(new Subscription(this.topic, "billing", 1, (event) -> {
			entered.countDown();
			try {
				new CountDownLatch(1).await();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			return HandlingOutcome.failure(new IllegalStateException("killed"));
		}, "billing"));
		dying.publish(this.topic, Map.of("order", 1));
		assertThat(entered.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
		dying.stop(Duration.ofMillis(1));
		byte[] stream = this.streams.stream(this.topic);
		this.redis.call((commands) -> commands.xtrim(stream, XTrimArgs.Builder.maxlen(0)));

		Queue<String> handled = new ConcurrentLinkedQueue<>();
		RedisEventBus survivor = bus("survivor");
		survivor.subscribe(new Subscription(this.topic, "billing", 1, (event) -> {
			handled.add(event.id());
			return HandlingOutcome.success(null);
		}, "billing"));
		await().atMost(WAIT).until(() -> survivor.lostEvents() == 1);
		assertThat(survivor.details()).containsEntry("lost", 1L);
		assertThat(survivor.topics()).filteredOn((snapshot) -> snapshot.topic().equals(this.topic))
			.singleElement()
			.satisfies((snapshot) -> assertThat(snapshot.groups()).singleElement()
				.satisfies((group) -> assertThat(group.pending()).isZero()));
		assertThat(handled).isEmpty();
	}

	@Test
	void consumersOfGoneInstancesAreForgottenOnlyOnceTheyHoldNothing() {
		byte[] stream = this.streams.stream(this.topic);
		byte[] group = bytes("billing");
		this.redis.call((commands) -> commands.xgroupCreate(XReadArgs.StreamOffset.from(stream, "0"), group,
				XGroupCreateArgs.Builder.mkstream()));
		this.redis.call((commands) -> commands.xadd(stream, (Object[]) new byte[][] { bytes("payload"), bytes("{}") }));
		this.redis.call((commands) -> commands.xreadgroup(Consumer.from(group, bytes("holding")),
				XReadArgs.StreamOffset.lastConsumed(stream)));
		for (String consumer : List.of("empty", "me")) {
			this.redis.call((commands) -> commands.xgroupCreateconsumer(stream, Consumer.from(group, bytes(consumer))));
		}
		assertThat(consumers(stream, group)).containsExactlyInAnyOrder("holding", "empty", "me");

		List<Object> removed = this.redis.script(StreamScripts.CONSUMERS, new byte[][] { stream }, group, bytes("0"),
				bytes("me"));
		assertThat(removed).containsExactly(1L);
		assertThat(consumers(stream, group)).containsExactlyInAnyOrder("holding", "me");
	}

	private RedisEventBus bus(String consumer) {
		EventBusSettings settings = new EventBusSettings(
				new RetryPolicy(3, Backoff.exponential(Duration.ofMillis(5), Duration.ofMillis(20))), 1_000, 100, 100);
		RedisEventBus bus = RedisEventBuses.bus(connectionFactory, this.prefix, consumer, settings,
				Duration.ofMillis(600), new JacksonPayloadCodec(JsonMapper.builder().build()), MonotonicClock.system());
		bus.start();
		this.buses.add(bus);
		return bus;
	}

	private List<String> consumers(byte[] stream, byte[] group) {
		List<Object> consumers = this.redis.call((commands) -> commands.xinfoConsumers(stream, group));
		List<String> names = new ArrayList<>();
		for (Object consumer : consumers) {
			List<?> fields = (List<?>) consumer;
			for (int i = 0; i + 1 < fields.size(); i += 2) {
				if ("name".equals(text(fields.get(i)))) {
					names.add(text(fields.get(i + 1)));
				}
			}
		}
		return names;
	}

	private static String text(Object value) {
		return (value instanceof byte[] bytes) ? new String(bytes, StandardCharsets.UTF_8) : String.valueOf(value);
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
