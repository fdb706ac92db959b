/**
 * The shared level of the two-level cache in Redis, and the invalidations that keep every
 * instance's memory consistent with it.
 */
package dev.scalability.cache.redis;
