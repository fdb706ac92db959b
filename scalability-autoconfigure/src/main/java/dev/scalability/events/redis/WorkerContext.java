package dev.scalability.events.redis;

import java.util.concurrent.atomic.LongAdder;

import dev.scalability.events.EventBusObserver;
import dev.scalability.events.EventDispatcher;
import dev.scalability.redis.DedicatedConnections;
import dev.scalability.redis.GuardedRedis;

/**
 * What the listeners of one bus share.
 *
 * @param redis guarded calls on the application's connection
 * @param streams the keys
 * @param connections dedicated connections for blocking reads
 * @param dispatcher hands an event to a listener and says what follows
 * @param settings how instances share work
 * @param deadLetterRetention dead letters kept per topic (approximately)
 * @param lost counts events that left a stream while still pending
 * @param deadLettersForgotten counts dead letters trimmed by their topic's cap
 * @param observer hears what the bus does
 */
record WorkerContext(GuardedRedis redis, EventStreams streams, DedicatedConnections connections,
		EventDispatcher dispatcher, RedisEventBusSettings settings, int deadLetterRetention, LongAdder lost,
		LongAdder deadLettersForgotten, EventBusObserver observer) {

}
