package dev.scalability.cache;

import org.springframework.cache.CacheManager;

/**
 * Fills caches before the application takes traffic: every bean of this type runs once at
 * start-up, after Redis is warmed up and before the web server accepts requests, so that
 * the first requests of a fresh instance find their entries. A warmer that fails is
 * logged, and the start-up goes on: a cold cache is slower, not broken.
 */
@FunctionalInterface
public interface CacheWarmer {

	/**
	 * Fills caches.
	 * @param caches the application's caches
	 * @throws Exception when it cannot
	 */
	void warm(CacheManager caches) throws Exception;

}
