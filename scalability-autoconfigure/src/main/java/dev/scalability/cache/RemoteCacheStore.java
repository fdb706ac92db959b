package dev.scalability.cache;

import java.time.Duration;
import java.util.Map;

/**
 * The store every instance shares, behind this instance's memory. Its calls never throw:
 * a store that cannot answer says so through {@link CacheObserver#remoteFailed}, and the
 * cache goes on with its memory and the loader.
 */
public interface RemoteCacheStore {

	/**
	 * What {@link #get} answers when the store did not answer: not a miss, which the
	 * meters would count.
	 */
	byte[] UNANSWERED = new byte[0];

	/**
	 * An entry.
	 * @param cache the cache
	 * @param key the entry's key
	 * @return its bytes ({@link CacheEntryFormat}), {@code null} when there is none, or
	 * {@link #UNANSWERED} when the store did not answer
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
	 * Stores a loaded entry only if the entry is still the one the load began from, then
	 * tells every other instance to drop its copy: a load that another instance's write or
	 * eviction overtook must not write back what it read before.
	 * @param cache the cache
	 * @param key the entry's key
	 * @param value its bytes
	 * @param ttl how long it lives
	 * @param expectedVersion the version of the entry or tombstone the load began from
	 * (eight bytes), or an empty array when there was nothing
	 * @return {@link Outcome#CHANGED} when stored, {@link Outcome#UNCHANGED} when the
	 * entry had changed meanwhile
	 */
	Outcome putIfUnchanged(String cache, String key, byte[] value, Duration ttl, byte[] expectedVersion);

	/**
	 * Removes an entry, leaving a tombstone in its place for a while, then tells every
	 * other instance to drop its copy.
	 * @param cache the cache
	 * @param key the entry's key
	 * @param tombstone what stays in the entry's place
	 * @param tombstoneTtl how long it stays
	 * @return {@link Outcome#CHANGED} when an entry was there, {@link Outcome#UNCHANGED}
	 * when there was none
	 */
	Outcome evict(String cache, String key, byte[] tombstone, Duration tombstoneTtl);

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
	default Map<String, Object> details() {
		return Map.of();
	}

	/**
	 * What a conditional call did.
	 */
	enum Outcome {

		/**
		 * The store changed.
		 */
		CHANGED,

		/**
		 * The store answered, and had nothing to change.
		 */
		UNCHANGED,

		/**
		 * The store did not answer.
		 */
		FAILED

	}

}
