package dev.scalability.cache;

/**
 * Hears what the caches do, for metrics. Called on the caller's thread: it must be quick.
 */
public interface CacheObserver {

	/**
	 * Hears nothing.
	 */
	CacheObserver NONE = new CacheObserver() {
	};

	/**
	 * A cache was made.
	 * @param cache its name
	 * @param localSize its entries in this instance's memory, about
	 */
	default void cacheCreated(String cache, java.util.function.LongSupplier localSize) {
	}

	default void hit(String cache, CacheLevel level) {
	}

	default void miss(String cache, CacheLevel level) {
	}

	default void put(String cache, CacheLevel level) {
	}

	default void evicted(String cache, CacheLevel level) {
	}

	/**
	 * A loader ran.
	 * @param cache the cache
	 * @param nanos how long it took
	 * @param succeeded whether it returned a value
	 */
	default void loaded(String cache, long nanos, boolean succeeded) {
	}

	/**
	 * An invalidation went to the other instances.
	 * @param cache the cache
	 */
	default void invalidationSent(String cache) {
	}

	/**
	 * An invalidation from another instance arrived.
	 * @param cache the cache
	 */
	default void invalidationReceived(String cache) {
	}

	/**
	 * A call to the shared store failed, and the cache went on without it.
	 * @param cache the cache
	 * @param reason why, such as {@code timeout} or {@code circuit_open}
	 */
	default void remoteFailed(String cache, String reason) {
	}

}
