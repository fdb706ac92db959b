package dev.scalability.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Channels one instance listens on, on one pub/sub connection of its own: subscribed
 * again by {@link #subscribe()} until Redis answers, and by Lettuce after a reconnect.
 * Messages are handed over on the client's I/O thread: their handler must be quick.
 */
public final class PubSubChannels {

	private static final Log logger = LogFactory.getLog(PubSubChannels.class);

	private final DedicatedConnections connections;

	private final Duration timeout;

	private final BiConsumer<String, byte[]> onMessage;

	private final Runnable onSubscribed;

	private final Set<String> wanted = ConcurrentHashMap.newKeySet();

	private final Set<String> subscribed = ConcurrentHashMap.newKeySet();

	private volatile StatefulRedisPubSubConnection<byte[], byte[]> connection;

	private volatile boolean closed = true;

	/**
	 * Creates the channels.
	 * @param connections opens the pub/sub connection; {@code null} to listen on nothing
	 * @param timeout the longest a subscribe waits
	 * @param onMessage hears each message, by its channel
	 * @param onSubscribed hears each subscription Redis confirms, after a reconnect too,
	 * when messages sent meanwhile may have been missed
	 */
	public PubSubChannels(DedicatedConnections connections, Duration timeout, BiConsumer<String, byte[]> onMessage,
			Runnable onSubscribed) {
		this.connections = connections;
		this.timeout = timeout;
		this.onMessage = onMessage;
		this.onSubscribed = onSubscribed;
	}

	/**
	 * Listens on a channel too, from the next {@link #subscribe()} on.
	 * @param channel the channel
	 */
	public void add(byte[] channel) {
		this.wanted.add(new String(channel, StandardCharsets.UTF_8));
	}

	public void open() {
		this.closed = false;
	}

	/**
	 * Subscribes to the channels not subscribed yet; called again until it succeeds, since
	 * Redis may be away.
	 * @return whether every channel is subscribed
	 */
	public synchronized boolean subscribe() {
		if (this.connections == null || this.closed) {
			return false;
		}
		List<String> missing = new ArrayList<>(this.wanted);
		missing.removeAll(this.subscribed);
		if (missing.isEmpty()) {
			return true;
		}
		try {
			if (this.connection == null) {
				StatefulRedisPubSubConnection<byte[], byte[]> opened = this.connections.openPubSub();
				opened.addListener(new RedisPubSubAdapter<>() {

					@Override
					public void message(byte[] channel, byte[] message) {
						PubSubChannels.this.onMessage.accept(new String(channel, StandardCharsets.UTF_8), message);
					}

					@Override
					public void subscribed(byte[] channel, long count) {
						PubSubChannels.this.onSubscribed.run();
					}

				});
				this.connection = opened;
			}
			this.connection.async()
				.subscribe(missing.stream().map((name) -> name.getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new))
				.get(this.timeout.toMillis(), TimeUnit.MILLISECONDS);
			this.subscribed.addAll(missing);
			return true;
		}
		catch (Exception ex) {
			if (ex instanceof InterruptedException) {
				Thread.currentThread().interrupt();
			}
			logger.debug("Not listening on " + missing + " yet: " + ex.getMessage());
			return false;
		}
	}

	/**
	 * Whether a message on the channel would reach this instance now.
	 * @param channel the channel
	 * @return whether it is subscribed on a connection that is up
	 */
	public boolean isListening(byte[] channel) {
		StatefulRedisPubSubConnection<byte[], byte[]> current = this.connection;
		return current != null && current.isOpen()
				&& this.subscribed.contains(new String(channel, StandardCharsets.UTF_8));
	}

	public synchronized void close() {
		this.closed = true;
		this.subscribed.clear();
		if (this.connection != null) {
			this.connection.close();
			this.connection = null;
		}
	}

}
