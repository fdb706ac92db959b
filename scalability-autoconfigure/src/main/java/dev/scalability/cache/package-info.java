/**
 * A two-level cache behind Spring's cache abstraction: Caffeine in every instance, and
 * optionally a store shared by all of them (Redis), kept consistent by invalidations.
 * Free of Spring Boot.
 */
package dev.scalability.cache;
