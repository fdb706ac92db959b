package dev.scalability.cache.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

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
 * reaches the caller. A write or an eviction and its invalidation are one script.
 */
public class RedisCacheStore implements RemoteCacheStore {

	private static final Log logger = LogFactory.getLog(RedisCacheStore.class);

	private static final int SCAN_COUNT = 500;

	private final GuardedRedis redis;

	private final CacheKeys keys;

	private final String instance;

	private final CacheObserver observer;

	private volatile boolean failing;

	private volatile CacheInvalidations invalidations;

	/**
	 * Creates a store.
	 * @param redis guarded calls on the application's connection
	 * @param keys the key builder
	 * @param instance this instance's name, so that it ignores its own invalidations
	 * @param observer hears of failures
	 */
	public RedisCacheStore(GuardedRedis redis, RedisKeys keys, String instance, CacheObserver observer) {
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
			return null;
		}
	}

	@Override
	public boolean put(String cache, String key, byte[] value, Duration ttl) {
		try {
			this.redis.script(CacheScripts.PUT, new byte[][] { this.keys.entry(cache, key) }, value,
					bytes(Long.toString(Math.max(1, ttl.toMillis()))), this.keys.channel(),
					CacheInvalidation.entry(this.instance, cache, key).encode());
			answered();
			this.observer.invalidationSent(cache);
			return true;
		}
		catch (RedisCallException ex) {
			failed(cache, ex);
			return false;
		}
	}

	@Override
	public boolean evict(String cache, String key) {
		try {
			this.redis.script(CacheScripts.EVICT, new byte[][] { this.keys.entry(cache, key) }, this.keys.channel(),
					CacheInvalidation.entry(this.instance, cache, key).encode());
			answered();
			this.observer.invalidationSent(cache);
			return true;
		}
		catch (RedisCallException ex) {
			failed(cache, ex);
			return false;
		}
	}

	/**
	 * Removes the cache's entries a batch at a time ({@code SCAN}, never {@code KEYS}),
	 * over every master of a Cluster, then tells every instance to clear its copy.
	 */
	@Override
	public boolean clear(String cache) {
		ScanArgs args = ScanArgs.Builder.matches(this.keys.pattern(cache)).limit(SCAN_COUNT);
		try {
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
			answered();
			this.observer.invalidationSent(cache);
			return true;
		}
		catch (RedisCallException ex) {
			failed(cache, ex);
			return false;
		}
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

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
