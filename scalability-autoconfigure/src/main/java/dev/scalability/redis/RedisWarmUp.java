package dev.scalability.redis;

import java.time.Duration;

/**
 * Something that prepares its use of Redis before the application takes traffic:
 * connecting, loading scripts, a first heartbeat. A fresh instance flooded the moment it is
 * ready then pays none of it on its first requests.
 */
@FunctionalInterface
public interface RedisWarmUp {

	/**
	 * Prepares, waiting no longer than given.
	 * @param within how long to try
	 * @return whether Redis is ready for it
	 */
	boolean warmUp(Duration within);

}
