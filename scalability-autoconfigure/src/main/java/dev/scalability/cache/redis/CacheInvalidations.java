package dev.scalability.cache.redis;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import dev.scalability.cache.CacheObserver;
import dev.scalability.cache.TwoLevelCacheManager;
import dev.scalability.redis.DedicatedConnections;
import dev.scalability.redis.PubSubChannels;
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

	private final byte[] channel;

	private final String instance;

	private final TwoLevelCacheManager caches;

	private final PubSubChannels channels;

	private final AtomicInteger subscriptions = new AtomicInteger();

	private final CacheObserver observer;

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
		this.channel = store.channel();
		this.instance = instance;
		this.caches = caches;
		this.observer = store.observer();
		this.channels = new PubSubChannels(connections, timeout, (channel, message) -> receive(message),
				this::subscribed);
		this.channels.add(this.channel);
		store.reportInvalidations(this);
	}

	/**
	 * Subscribes, unless it is subscribed: called again until it succeeds, since Redis may
	 * be away.
	 */
	public void subscribe() {
		this.channels.open();
		this.channels.subscribe();
	}

	/**
	 * Whether a change made by another instance would reach this one now.
	 * @return whether it is subscribed on a connection that is up
	 */
	public boolean isListening() {
		return this.channels.isListening(this.channel);
	}

	public void close() {
		this.channels.close();
	}

	private void subscribed() {
		// What was sent before, or while the connection was down, is lost: copies kept
		// meanwhile may be stale.
		this.caches.dropAllLocal();
		if (this.subscriptions.incrementAndGet() > 1) {
			logger.info("Invalidations of the shared cache heard again: this instance's memory of every cache was "
					+ "cleared, since some may have been missed");
		}
	}

	private void receive(byte[] message) {
		CacheInvalidation invalidation = CacheInvalidation.decode(message);
		if (invalidation == null || this.instance.equals(invalidation.sender())) {
			return;
		}
		this.observer.invalidationReceived(invalidation.cache());
		if (invalidation.clear()) {
			this.caches.dropAllLocal(invalidation.cache());
		}
		else {
			this.caches.dropLocal(invalidation.cache(), invalidation.key());
		}
	}

}
