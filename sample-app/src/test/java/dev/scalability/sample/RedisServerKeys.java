package dev.scalability.sample;

import java.util.List;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;

import dev.scalability.test.redis.RedisEndpoint;

/**
 * Looks at the keys a test's Redis holds.
 */
final class RedisServerKeys implements AutoCloseable {

	private final RedisClient client;

	private final StatefulRedisConnection<String, String> connection;

	RedisServerKeys(RedisEndpoint endpoint) {
		this.client = RedisClient.create(endpoint.url());
		this.connection = this.client.connect();
	}

	List<String> matching(String pattern) {
		return this.connection.sync().keys(pattern);
	}

	@Override
	public void close() {
		this.connection.close();
		this.client.shutdown();
	}

}
