package dev.scalability.test.redis;

/**
 * A Redis the locator settled on.
 *
 * @param source which source provided it
 * @param endpoint where it listens
 * @param description a human-readable origin for the log line
 */
record LocatedRedis(RedisSource source, RedisEndpoint endpoint, String description) {
}
