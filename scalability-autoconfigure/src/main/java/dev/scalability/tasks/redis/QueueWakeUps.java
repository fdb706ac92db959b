package dev.scalability.tasks.redis;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.scalability.redis.DedicatedConnections;
import dev.scalability.redis.PubSubChannels;

/**
 * Wakes this instance's idle workers when a task arrives in their queue: a submit that
 * finds a queue empty publishes on the queue's channel ({@code submit.lua}), so that idle
 * workers need not poll Redis often to pick a task up at once. While a channel is not
 * subscribed, its workers poll instead.
 */
final class QueueWakeUps {

	private final Map<String, Runnable> listeners = new ConcurrentHashMap<>();

	private final PubSubChannels channels;

	/**
	 * Creates the wake-ups.
	 * @param connections opens the pub/sub connection; {@code null} to poll only
	 * @param timeout the longest a subscribe waits
	 */
	QueueWakeUps(DedicatedConnections connections, Duration timeout) {
		this.channels = new PubSubChannels(connections, timeout, (channel, message) -> {
			// On the client's I/O thread: waking is a permit released, nothing more.
			Runnable wake = this.listeners.get(channel);
			if (wake != null) {
				wake.run();
			}
		}, () -> this.listeners.values().forEach(Runnable::run));
	}

	/**
	 * Wakes a worker when a message arrives on its channel, once {@link #subscribe()} ran.
	 * @param channel the queue's channel
	 * @param wake wakes the worker
	 */
	void listen(byte[] channel, Runnable wake) {
		this.listeners.put(TaskKeys.text(channel), wake);
		this.channels.add(channel);
	}

	void open() {
		this.channels.open();
	}

	void subscribe() {
		this.channels.subscribe();
	}

	boolean isListening(byte[] channel) {
		return this.channels.isListening(channel);
	}

	void close() {
		this.channels.close();
	}

}
