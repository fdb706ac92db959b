package dev.scalability.cache;

import java.time.Duration;

/**
 * The store every instance shares, behind this instance's memory. Its calls never throw:
 * a store that cannot answer says so through {@link CacheObserver#remoteFailed}, and the
 * cache goes on with its memory and the loader.
 */
public interface RemoteCacheStore {

	/**
	 * An entry.
	 * @param cache the cache
	 * @param key the entry's key
	 * @return its bytes, or {@code null} when there is none or the store cannot answer
	 */
	byte[] get(String cache, String key);

	/**
	 * Stores an entry, then tells every other instance to drop its copy.
	 * @param cache the cache
	 * @param key the entry's key
	 * @param value its bytes
	 * @param ttl how long it lives
	 * @return whether the store has it
	 */
	boolean put(String cache, String key, byte[] value, Duration ttl);

	/**
	 * Removes an entry, then tells every other instance to drop its copy.
	 * @param cache the cache
	 * @param key the entry's key
	 * @return whether the store heard of it
	 */
	boolean evict(String cache, String key);

	/**
	 * Removes every entry of a cache, then tells every other instance to clear its copy.
	 * @param cache the cache
	 * @return whether the store heard of it
	 */
	boolean clear(String cache);

	/**
	 * Whether the store is held back now (its breaker open after failures), so that the
	 * caches serve from memory and their loaders.
	 * @return whether it is
	 */
	default boolean degraded() {
		return false;
	}

	/**
	 * What there is to know about the store, for health and the snapshot.
	 * @return details, in display order
	 */
	default java.util.Map<String, Object> details() {
		return java.util.Map.of();
	}

}
