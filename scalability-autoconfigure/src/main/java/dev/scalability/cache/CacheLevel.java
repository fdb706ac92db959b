package dev.scalability.cache;

/**
 * Where a cache found, or did not find, an entry.
 */
public enum CacheLevel {

	/**
	 * This instance's memory (Caffeine).
	 */
	LOCAL,

	/**
	 * The store every instance shares (Redis).
	 */
	REMOTE

}
