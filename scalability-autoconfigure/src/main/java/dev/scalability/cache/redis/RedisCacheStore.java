package dev.scalability.cache.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import dev.scalability.cache.CacheObserver;
import dev.scalability.cache.RemoteCacheStore;
import dev.scalability.redis.GuardedRedis;
import dev.scalability.redis.RedisCallException;
import dev.scalability.redis.RedisKeys;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The shared level in Redis, through guarded calls: each bounded by the cache's timeout and
 * held back by its breaker while Redis fails, so that a dead Redis costs the caller no
 * wait. A failure is counted and answered as a miss, or a write not shared; it never
 * reaches the caller. A write or an eviction and its invalidation are one script. A write
 * or an eviction Redis did not take is evicted there once it answers again, so that the
 * other instances do not read for long the value this one replaced.
 */
public class RedisCacheStore implements RemoteCacheStore, AutoCloseable {

	private static final Log logger = LogFactory.getLog(RedisCacheStore.class);

	private static final int SCAN_COUNT = 500;

	private static final int REPLAY_BATCH = 500;

	/**
	 * Added to the instance's name in the invalidations a replay sends, so that the
	 * instance hears them too.
	 */
	private static final String REPLAYER_SUFFIX = "/replay";

	private static final Duration REPLAY_EVERY = Duration.ofMillis(500);

	private static final Duration REPLAYED_TOMBSTONE_TTL = Duration.ofSeconds(1);

	/**
	 * Entries kept to evict once Redis answers again, at most; past that, their cache is
	 * cleared.
	 */
	static final int PENDING_CAPACITY = 10_000;

	private final GuardedRedis redis;

	private final CacheKeys keys;

	private final String instance;

	private final CacheObserver observer;

	private volatile boolean failing;

	private volatile CacheInvalidations invalidations;

	private final PendingEvictions pending;

	private volatile ScheduledExecutorService replays;

	private boolean closed;

	/**
	 * Creates a store.
	 * @param redis guarded calls on the application's connection
	 * @param keys the key builder
	 * @param instance this instance's name, so that it ignores its own invalidations
	 * @param observer hears of failures
	 */
	public RedisCacheStore(GuardedRedis redis, RedisKeys keys, String instance, CacheObserver observer) {
		this(redis, keys, instance, observer, PENDING_CAPACITY);
	}

	RedisCacheStore(GuardedRedis redis, RedisKeys keys, String instance, CacheObserver observer,
			int pendingCapacity) {
		this.pending = new PendingEvictions(pendingCapacity);
		this.redis = redis;
		this.keys = new CacheKeys(keys);
		this.instance = instance;
		this.observer = observer;
	}

	@Override
	public byte[] get(String cache, String key) {
		byte[] entry = this.keys.entry(cache, key);
		try {
			byte[] value = this.redis.call((commands) -> commands.get(entry));
			answered();
			return value;
		}
		catch (RedisCallException ex) {
			failed(cache, ex);
			return UNANSWERED;
		}
	}

	@Override
	public boolean put(String cache, String key, byte[] value, Duration ttl) {
		try {
			this.redis.script(CacheScripts.PUT, new byte[][] { this.keys.entry(cache, key) }, value, millis(ttl),
					this.keys.channel(), CacheInvalidation.entry(this.instance, cache, key).encode());
			answered();
			this.observer.invalidationSent(cache);
			return true;
		}
		catch (RedisCallException ex) {
			failed(cache, ex);
			// The value it replaces may still be in Redis, for the other instances to read.
			pending(cache, key);
			return false;
		}
	}

	@Override
	public Outcome putIfUnchanged(String cache, String key, byte[] value, Duration ttl, byte[] expectedVersion) {
		try {
			List<Object> written = this.redis.script(CacheScripts.PUT_IF_UNCHANGED,
					new byte[][] { this.keys.entry(cache, key) }, value, millis(ttl), expectedVersion,
					this.keys.channel(), CacheInvalidation.entry(this.instance, cache, key).encode());
			answered();
			if (!changed(written)) {
				return Outcome.UNCHANGED;
			}
			this.observer.invalidationSent(cache);
			return Outcome.CHANGED;
		}
		catch (RedisCallException ex) {
			// Nothing to replay: the load changed nothing that Redis had.
			failed(cache, ex);
			return Outcome.FAILED;
		}
	}

	@Override
	public Outcome evict(String cache, String key, byte[] tombstone, Duration tombstoneTtl) {
		try {
			Outcome outcome = evictInRedis(cache, key, tombstone, tombstoneTtl);
			answered();
			return outcome;
		}
		catch (RedisCallException ex) {
			failed(cache, ex);
			pending(cache, key);
			return Outcome.FAILED;
		}
	}

	private Outcome evictInRedis(String cache, String key, byte[] tombstone, Duration tombstoneTtl) {
		return evictInRedis(cache, key, tombstone, tombstoneTtl, this.instance);
	}

	/**
	 * @param sender who the invalidation says it is from: an instance ignores its own
	 */
	private Outcome evictInRedis(String cache, String key, byte[] tombstone, Duration tombstoneTtl, String sender) {
		List<Object> removed = this.redis.script(CacheScripts.EVICT, new byte[][] { this.keys.entry(cache, key) },
				tombstone, millis(tombstoneTtl), this.keys.channel(),
				CacheInvalidation.entry(sender, cache, key).encode());
		this.observer.invalidationSent(cache);
		return changed(removed) ? Outcome.CHANGED : Outcome.UNCHANGED;
	}

	private static boolean changed(List<Object> reply) {
		return reply != null && !reply.isEmpty() && Long.valueOf(1).equals(reply.get(0));
	}

	private void pending(String cache, String key) {
		this.pending.add(cache, key);
		startReplays();
	}

	/**
	 * Evicts in Redis what it did not take while it failed, while it answers. The
	 * invalidations it sends reach this instance too: a copy it read from Redis between
	 * Redis's return and this replay goes as well. A replay that fails is not counted as
	 * the cache's error, which the failed write already was.
	 * @return how many entries or caches are left to evict
	 */
	public int replayPending() {
		// Tried even while the breaker is open: it fails fast then, and is the call that finds
		// Redis back once the breaker lets one through.
		List<String> caches = this.pending.takeCaches();
		for (int i = 0; i < caches.size(); i++) {
			if (!clearInRedis(caches.get(i))) {
				caches.subList(i, caches.size()).forEach(this.pending::addCache);
				return this.pending.size();
			}
		}
		String replayer = this.instance + REPLAYER_SUFFIX;
		List<PendingEvictions.Entry> batch;
		while (!(batch = this.pending.takeEntries(REPLAY_BATCH)).isEmpty()) {
			for (int i = 0; i < batch.size(); i++) {
				PendingEvictions.Entry entry = batch.get(i);
				try {
					evictInRedis(entry.cache(), entry.key(), dev.scalability.cache.CacheEntryFormat.newTombstone(),
							REPLAYED_TOMBSTONE_TTL, replayer);
				}
				catch (RedisCallException ex) {
					batch.subList(i, batch.size()).forEach((left) -> this.pending.add(left.cache(), left.key()));
					return this.pending.size();
				}
			}
		}
		answered();
		return this.pending.size();
	}

	private void startReplays() {
		if (this.replays != null) {
			return;
		}
		synchronized (this) {
			if (this.replays == null && !this.closed) {
				ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor((task) -> {
					Thread thread = new Thread(task, "scalability-cache-replay");
					thread.setDaemon(true);
					return thread;
				});
				executor.scheduleWithFixedDelay(this::replayQuietly, REPLAY_EVERY.toMillis(), REPLAY_EVERY.toMillis(),
						TimeUnit.MILLISECONDS);
				this.replays = executor;
			}
		}
	}

	private void replayQuietly() {
		try {
			replayPending();
		}
		catch (RuntimeException ex) {
			logger.debug("A replay of pending cache evictions failed", ex);
		}
	}

	/**
	 * Stops replaying what Redis did not take.
	 */
	@Override
	public synchronized void close() {
		this.closed = true;
		if (this.replays != null) {
			this.replays.shutdownNow();
		}
	}

	/**
	 * Removes the cache's entries a batch at a time ({@code SCAN}, never {@code KEYS}),
	 * over every master of a Cluster, then tells every instance to clear its copy.
	 */
	@Override
	public boolean clear(String cache) {
		try {
			clearOrThrow(cache);
			answered();
			return true;
		}
		catch (RedisCallException ex) {
			failed(cache, ex);
			this.pending.addCache(cache);
			startReplays();
			return false;
		}
	}

	private boolean clearInRedis(String cache) {
		try {
			clearOrThrow(cache);
			return true;
		}
		catch (RedisCallException ex) {
			return false;
		}
	}

	private void clearOrThrow(String cache) {
		ScanArgs args = ScanArgs.Builder.matches(this.keys.pattern(cache)).limit(SCAN_COUNT);
		ScanCursor cursor = ScanCursor.INITIAL;
		do {
			ScanCursor from = cursor;
			KeyScanCursor<byte[]> page = this.redis.call((commands) -> commands.scan(from, args));
			List<byte[]> found = page.getKeys();
			if (!found.isEmpty()) {
				this.redis.call((commands) -> commands.unlink(found.toArray(new byte[0][])));
			}
			cursor = page;
		}
		while (!cursor.isFinished());
		this.redis.call((commands) -> commands.publish(this.keys.channel(),
				CacheInvalidation.clear(this.instance, cache).encode()));
		this.observer.invalidationSent(cache);
	}

	@Override
	public boolean degraded() {
		CacheInvalidations listening = this.invalidations;
		return this.redis.isHeldBack() || (listening != null && !listening.isListening());
	}

	@Override
	public java.util.Map<String, Object> details() {
		java.util.Map<String, Object> details = new java.util.LinkedHashMap<>();
		if (this.redis.circuitBreaker() != null) {
			details.put("circuitBreaker", this.redis.circuitBreaker().getState().name());
		}
		if (this.invalidations != null) {
			details.put("invalidations", this.invalidations.isListening() ? "listening" : "not listening");
		}
		int pendingEvictions = this.pending.size();
		if (pendingEvictions > 0) {
			details.put("pendingEvictions", pendingEvictions);
		}
		return details;
	}

	/**
	 * Says whether invalidations are heard, in the details.
	 * @param invalidations the listener
	 */
	public void reportInvalidations(CacheInvalidations invalidations) {
		this.invalidations = invalidations;
	}

	CacheObserver observer() {
		return this.observer;
	}

	byte[] channel() {
		return this.keys.channel();
	}

	private void answered() {
		if (this.failing) {
			this.failing = false;
			logger.info("The shared cache in Redis answers again");
		}
	}

	private void failed(String cache, RedisCallException failure) {
		this.observer.remoteFailed(cache, failure.reason().name().toLowerCase());
		if (!this.failing) {
			this.failing = true;
			logger.warn("The shared cache in Redis does not answer (" + failure.getMessage()
					+ "): caches go on with this instance's memory and their loaders until it does");
		}
	}

	private static byte[] millis(Duration duration) {
		return Long.toString(Math.max(1, duration.toMillis())).getBytes(StandardCharsets.UTF_8);
	}

}
