package dev.scalability.test.redis;

import java.util.HashMap;
import java.util.Map;

import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/**
 * Whether a missing Redis fails a test or skips it. CI must run the Redis tests, so there ({@code CI=true} or
 * {@code -Dscalability.test.require-redis=true}) a missing Redis is a failure; on a developer's machine it is a skip
 * that says how to get one.
 */
final class RedisRequirement {

	static final String REQUIRE_PROPERTY = "scalability.test.require-redis";

	static final String SHARED_REDIS_REMEDY = "Provide one: install redis-server so it is on the PATH (e.g. "
			+ "apt-get install redis-server), or set " + RedisLocator.URL_VARIABLE + "=redis://host:port (or -D"
			+ RedisLocator.URL_PROPERTY + "=...), or run a Docker engine so Testcontainers can start "
			+ RedisLocator.CONTAINER_IMAGE + ".";

	static final String LOCAL_BINARIES_REMEDY = "This test starts its own servers: install redis-server and "
			+ "redis-cli so they are on the PATH (e.g. apt-get install redis-server).";

	private final boolean required;

	private RedisRequirement(boolean required) {
		this.required = required;
	}

	static RedisRequirement of(Map<String, String> environment, Map<String, String> systemProperties) {
		boolean onCi = "true".equalsIgnoreCase(String.valueOf(environment.get("CI")).strip());
		boolean requested = "true".equalsIgnoreCase(String.valueOf(systemProperties.get(REQUIRE_PROPERTY)).strip());
		return new RedisRequirement(onCi || requested);
	}

	static RedisRequirement ofThisMachine() {
		Map<String, String> properties = new HashMap<>();
		System.getProperties().forEach((key, value) -> properties.put(String.valueOf(key), String.valueOf(value)));
		return of(System.getenv(), properties);
	}

	boolean isRequired() {
		return this.required;
	}

	/**
	 * Always throws: an {@link AssertionFailedError} (test failure) when Redis is required, a
	 * {@link TestAbortedException} (test skipped) otherwise.
	 */
	void failOrSkip(String problem, String remedy) {
		String message = "No Redis for this test: " + problem + ". " + remedy;
		if (this.required) {
			throw new AssertionFailedError(message + " Redis is required in this run (CI=true or -D" + REQUIRE_PROPERTY
					+ "=true), so this is a failure, not a skip.");
		}
		throw new TestAbortedException(message + " Skipped; CI=true or -D" + REQUIRE_PROPERTY
				+ "=true would make this a failure.");
	}

}
