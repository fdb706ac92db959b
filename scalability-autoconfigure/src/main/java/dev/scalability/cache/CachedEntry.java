package dev.scalability.cache;

/**
 * An entry as this instance's memory keeps it.
 *
 * @param stored its value, as the cache stores it ({@code NullValue} for a cached null)
 * @param version its version in the shared store, 0 when it has none
 * @param expiresAt when it expires in the shared store (in memory, for the memory
 * backend), in epoch milliseconds
 * @param loadMillis how long its load took, 0 when unknown
 */
record CachedEntry(Object stored, long version, long expiresAt, int loadMillis) {
}
