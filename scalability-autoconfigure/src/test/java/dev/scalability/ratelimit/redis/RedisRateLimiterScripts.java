package dev.scalability.ratelimit.redis;

/**
 * The digests of the rate limiter's scripts, for tests that ask Redis whether it has them.
 */
public final class RedisRateLimiterScripts {

	private RedisRateLimiterScripts() {
	}

	public static String[] shas() {
		return new String[] { RedisRateLimiter.SCRIPT.sha1(), RedisRateLimiter.SCRIPT_WHEN_FULL.sha1() };
	}

}
