package dev.scalability.events.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.scalability.delivery.Backoff;
import dev.scalability.delivery.HandlingOutcome;
import dev.scalability.delivery.JacksonPayloadCodec;
import dev.scalability.delivery.RetryPolicy;
import dev.scalability.events.EventBusSettings;
import dev.scalability.events.Subscription;
import dev.scalability.test.redis.LettuceFactories;
import dev.scalability.test.redis.RedisClusterProcesses;
import dev.scalability.test.redis.TestRedis;
import dev.scalability.time.MonotonicClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * On a Redis Cluster of three masters: topics spread over the masters, and reading,
 * retrying, dead letters, redrive and replay work, each script on one slot.
 */
class RedisClusterEventBusTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	private static RedisClusterProcesses cluster;

	private static LettuceConnectionFactory connectionFactory;

	@BeforeAll
	static void start() {
		TestRedis.requireRedisServerOnPath();
		cluster = RedisClusterProcesses.start(3, 0);
		connectionFactory = LettuceFactories.cluster(cluster.endpoints());
	}

	@AfterAll
	static void stop() {
		connectionFactory.destroy();
		cluster.close();
	}

	@Test
	void topicsOnEveryMasterDeliverRetryDeadLetterRedriveAndReplay() {
		EventBusSettings settings = new EventBusSettings(
				new RetryPolicy(2, Backoff.exponential(Duration.ofMillis(5), Duration.ofMillis(20))), 1_000, 100, 100);
		RedisEventBus bus = RedisEventBuses.bus(connectionFactory, "cluster:", "instance-1", settings,
				Duration.ofSeconds(30), new JacksonPayloadCodec(JsonMapper.builder().build()), MonotonicClock.system());
		bus.start();
		try {
			AtomicBoolean failing = new AtomicBoolean(true);
			Queue<String> handled = new ConcurrentLinkedQueue<>();
			List<String> topics = new ArrayList<>();
			Set<Integer> masters = new HashSet<>();
			for (int i = 0; i < 12; i++) {
				String topic = "orders-" + i;
				topics.add(topic);
				masters.add(cluster.masters().indexOf(cluster.nodeForKey("cluster:events:{" + topic + "}")));
				bus.subscribe(new Subscription(topic, "billing", 1, (event) -> {
					if (event.payload().contains("poison") && failing.get()) {
						return HandlingOutcome.failure(new IllegalStateException("poison"));
					}
					handled.add(event.id());
					return HandlingOutcome.success(null);
				}, "billing of " + topic));
			}
			assertThat(masters).hasSize(3);
			List<String> ids = new ArrayList<>();
			for (String topic : topics) {
				ids.add(bus.publish(topic, Map.of("order", topic)));
			}
			String poison = bus.publish(topics.get(0), Map.of("order", "poison"));
			await().atMost(WAIT).until(() -> handled.containsAll(ids) && bus.deadLetters(topics.get(0)).size() == 1);

			failing.set(false);
			assertThat(bus.redrive(topics.get(0), poison)).isOne();
			await().atMost(WAIT).until(() -> handled.contains(poison));

			bus.replay(topics.get(5), "billing", ids.get(5));
			// Given again at least once: delivery is at least once, replays included.
			await().atMost(WAIT).until(() -> handled.stream().filter(ids.get(5)::equals).count() >= 2);
			assertThat(bus.topics()).extracting((topic) -> topic.topic()).containsAll(topics);
		}
		finally {
			bus.stop(WAIT);
		}
	}

}
