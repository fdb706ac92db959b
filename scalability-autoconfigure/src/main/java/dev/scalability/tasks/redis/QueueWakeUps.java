package dev.scalability.tasks.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import dev.scalability.redis.DedicatedConnections;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Wakes this instance's idle workers when a task arrives in their queue: a submit that
 * finds a queue empty publishes on the queue's channel ({@code submit.lua}), so that idle
 * workers need not poll Redis often to pick a task up at once. One pub/sub connection per
 * instance; Lettuce subscribes again by itself after a reconnect. While it is not
 * subscribed, workers poll instead.
 */
final class QueueWakeUps {

	private static final Log logger = LogFactory.getLog(QueueWakeUps.class);

	private final DedicatedConnections connections;

	private final Duration timeout;

	private final Map<String, Runnable> listeners = new ConcurrentHashMap<>();

	private final Set<String> subscribed = ConcurrentHashMap.newKeySet();

	private volatile StatefulRedisPubSubConnection<byte[], byte[]> connection;

	private volatile boolean closed = true;

	/**
	 * Creates the wake-ups.
	 * @param connections opens the pub/sub connection; {@code null} to poll only
	 * @param timeout the longest a subscribe waits
	 */
	QueueWakeUps(DedicatedConnections connections, Duration timeout) {
		this.connections = connections;
		this.timeout = timeout;
	}

	/**
	 * Wakes a worker when a message arrives on its channel, once {@link #subscribe()} ran.
	 * @param channel the queue's channel
	 * @param wake wakes the worker
	 */
	void listen(byte[] channel, Runnable wake) {
		this.listeners.put(TaskKeys.text(channel), wake);
	}

	void open() {
		this.closed = false;
	}

	/**
	 * Subscribes to the channels not subscribed yet; called again until it succeeds,
	 * since Redis may be away.
	 */
	synchronized void subscribe() {
		if (this.connections == null || this.closed) {
			return;
		}
		List<String> missing = new ArrayList<>(this.listeners.keySet());
		missing.removeAll(this.subscribed);
		if (missing.isEmpty()) {
			return;
		}
		try {
			if (this.connection == null) {
				this.connection = this.connections.openPubSub();
				this.connection.addListener(new RedisPubSubAdapter<>() {

					@Override
					public void message(byte[] channel, byte[] message) {
						// On the client's I/O thread: waking is a permit released, nothing more.
						Runnable wake = QueueWakeUps.this.listeners.get(TaskKeys.text(channel));
						if (wake != null) {
							wake.run();
						}
					}

				});
			}
			this.connection.async()
				.subscribe(missing.stream().map(TaskKeys::bytes).toArray(byte[][]::new))
				.get(this.timeout.toMillis(), TimeUnit.MILLISECONDS);
			this.subscribed.addAll(missing);
		}
		catch (Exception ex) {
			if (ex instanceof InterruptedException) {
				Thread.currentThread().interrupt();
			}
			logger.debug("Idle task workers poll until their wake-ups are subscribed: " + ex.getMessage());
		}
	}

	/**
	 * Whether a message on the channel would reach this instance now.
	 * @param channel the queue's channel
	 * @return whether it is subscribed on a connection that is up
	 */
	boolean isListening(byte[] channel) {
		StatefulRedisPubSubConnection<byte[], byte[]> current = this.connection;
		return current != null && current.isOpen() && this.subscribed.contains(TaskKeys.text(channel));
	}

	synchronized void close() {
		this.closed = true;
		this.subscribed.clear();
		if (this.connection != null) {
			this.connection.close();
			this.connection = null;
		}
	}

}
