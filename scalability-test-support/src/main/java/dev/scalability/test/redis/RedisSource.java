package dev.scalability.test.redis;

/** Where the JVM-wide shared Redis of {@link TestRedis} came from, in the order they are tried. */
public enum RedisSource {

	/** {@code SCALABILITY_TEST_REDIS_URL} or {@code -Dscalability.test.redis-url}. */
	URL,

	/** A {@code redis:7} container, when Testcontainers is on the class path and a Docker engine answers. */
	TESTCONTAINERS,

	/** A private {@code redis-server} from the PATH, started on a free port for this JVM. */
	PRIVATE_SERVER

}
