package dev.scalability.cache;

import java.time.Duration;

/**
 * What one cache keeps, and for how long.
 *
 * @param name the cache's name, as {@code @Cacheable} names it
 * @param ttl how long an entry lives in the shared store (Redis)
 * @param localMaxSize entries kept in this instance's memory, at most; 0 keeps none
 * @param localTtl how long an entry lives in this instance's memory: never longer than
 * {@code ttl}, so that a missed invalidation is bounded
 * @param earlyRefresh whether a read may reload an entry a little before it expires
 * ({@link EarlyRefresh}), so that its readers do not all miss it at once
 */
public record CacheSpec(String name, Duration ttl, long localMaxSize, Duration localTtl, boolean earlyRefresh) {

	/**
	 * A cache whose entries are reloaded early.
	 * @param name its name
	 * @param ttl its lifetime in the shared store
	 * @param localMaxSize its entries in memory, at most
	 * @param localTtl its lifetime in memory
	 */
	public CacheSpec(String name, Duration ttl, long localMaxSize, Duration localTtl) {
		this(name, ttl, localMaxSize, localTtl, true);
	}

	public CacheSpec {
		if (name == null || name.isBlank()) {
			throw new IllegalArgumentException("a cache needs a name");
		}
		if (ttl == null || ttl.isNegative() || ttl.isZero()) {
			throw new IllegalArgumentException("the ttl of cache '" + name + "' must be positive, not " + ttl);
		}
		if (localMaxSize < 0) {
			throw new IllegalArgumentException(
					"the local size of cache '" + name + "' must not be negative, not " + localMaxSize);
		}
		if (localTtl == null || localTtl.isNegative() || localTtl.isZero()) {
			throw new IllegalArgumentException(
					"the local ttl of cache '" + name + "' must be positive, not " + localTtl);
		}
		if (localTtl.compareTo(ttl) > 0) {
			localTtl = ttl;
		}
	}

}
