package dev.scalability.cache.redis;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.scalability.cache.TwoLevelCacheManager;
import dev.scalability.redis.DedicatedConnections;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Hears what the other instances changed in the shared cache, and drops this instance's
 * copies of it. One pub/sub connection per instance; Lettuce subscribes again by itself
 * after a reconnect, and since messages sent meanwhile are lost, every cache's memory is
 * cleared at each subscription, the first included. Between a lost connection and that, a
 * copy lives at most its local ttl, and health says the cache is degraded.
 */
public class CacheInvalidations {

	private static final Log logger = LogFactory.getLog(CacheInvalidations.class);

	private final DedicatedConnections connections;

	private final byte[] channel;

	private final String instance;

	private final TwoLevelCacheManager caches;

	private final Duration timeout;

	private final AtomicInteger subscriptions = new AtomicInteger();

	private volatile StatefulRedisPubSubConnection<byte[], byte[]> connection;

	private volatile boolean subscribed;

	/**
	 * Creates the listener.
	 * @param connections opens its pub/sub connection
	 * @param store the store whose invalidations to hear
	 * @param instance this instance's name, whose own messages are ignored
	 * @param caches the caches whose memory to drop
	 * @param timeout the longest a subscribe waits
	 */
	public CacheInvalidations(DedicatedConnections connections, RedisCacheStore store, String instance,
			TwoLevelCacheManager caches, Duration timeout) {
		this.connections = connections;
		this.channel = store.channel();
		this.instance = instance;
		this.caches = caches;
		this.timeout = timeout;
		store.reportInvalidations(this);
	}

	/**
	 * Subscribes, unless it is subscribed: called again until it succeeds, since Redis may
	 * be away.
	 */
	public synchronized void subscribe() {
		if (this.subscribed) {
			return;
		}
		try {
			if (this.connection == null) {
				this.connection = this.connections.openPubSub();
				this.connection.addListener(new RedisPubSubAdapter<>() {

					@Override
					public void message(byte[] channel, byte[] message) {
						receive(message);
					}

					@Override
					public void subscribed(byte[] channel, long count) {
						// What was sent before, or while the connection was down, is lost:
						// copies kept meanwhile may be stale.
						CacheInvalidations.this.caches.dropAllLocal();
						if (CacheInvalidations.this.subscriptions.incrementAndGet() > 1) {
							logger.info("Invalidations of the shared cache heard again: this instance's memory of "
									+ "every cache was cleared, since some may have been missed");
						}
					}

				});
			}
			this.connection.async().subscribe(this.channel).get(this.timeout.toMillis(), TimeUnit.MILLISECONDS);
			this.subscribed = true;
		}
		catch (Exception ex) {
			if (ex instanceof InterruptedException) {
				Thread.currentThread().interrupt();
			}
			logger.debug("Invalidations of the shared cache not heard yet: " + ex.getMessage());
		}
	}

	/**
	 * Whether a change made by another instance would reach this one now.
	 * @return whether it is subscribed on a connection that is up
	 */
	public boolean isListening() {
		StatefulRedisPubSubConnection<byte[], byte[]> current = this.connection;
		return this.subscribed && current != null && current.isOpen();
	}

	public synchronized void close() {
		this.subscribed = false;
		if (this.connection != null) {
			this.connection.close();
			this.connection = null;
		}
	}

	private void receive(byte[] message) {
		CacheInvalidation invalidation = CacheInvalidation.decode(message);
		if (invalidation == null || this.instance.equals(invalidation.sender())) {
			return;
		}
		if (invalidation.clear()) {
			this.caches.dropAllLocal(invalidation.cache());
		}
		else {
			this.caches.dropLocal(invalidation.cache(), invalidation.key());
		}
	}

}
