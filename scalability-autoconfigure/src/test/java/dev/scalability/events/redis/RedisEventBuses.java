package dev.scalability.events.redis;

import java.time.Duration;

import dev.scalability.delivery.PayloadCodec;
import dev.scalability.events.EventBusObserver;
import dev.scalability.events.EventBusSettings;
import dev.scalability.events.EventTracing;
import dev.scalability.redis.DedicatedConnections;
import dev.scalability.redis.GuardedRedis;
import dev.scalability.redis.RedisKeys;
import dev.scalability.redis.TestGuards;
import dev.scalability.time.MonotonicClock;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Redis event buses for tests: several on one connection factory and key prefix behave as
 * the instances of one application.
 */
final class RedisEventBuses {

	static final Duration TIMEOUT = Duration.ofSeconds(2);

	private RedisEventBuses() {
	}

	static RedisEventBus bus(LettuceConnectionFactory factory, String prefix, String consumer,
			EventBusSettings settings, Duration claimIdle, PayloadCodec codec, MonotonicClock clock) {
		return bus(TestGuards.bounded(factory, TIMEOUT), factory, prefix, consumer, settings, claimIdle, codec,
				clock);
	}

	static RedisEventBus bus(GuardedRedis redis, LettuceConnectionFactory factory, String prefix, String consumer,
			EventBusSettings settings, Duration claimIdle, PayloadCodec codec, MonotonicClock clock) {
		// No trimming in the background: tests trim when they choose to.
		RedisEventBusSettings redisSettings = RedisEventBusSettings.of(consumer, claimIdle, settings.retention() * 10L)
			.withMaintenance(Duration.ofHours(1), Duration.ofHours(1));
		return new RedisEventBus(settings, redisSettings, redis, new DedicatedConnections(factory),
				new RedisKeys(prefix), codec, EventBusObserver.NONE, EventTracing.NONE, clock);
	}

}
