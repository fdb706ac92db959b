package dev.scalability.redis;

import java.time.Duration;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisStreamAsyncCommands;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Connections of their own for what must not run on the application's shared connection:
 * a blocking {@code XREADGROUP} holds its connection until it returns, and a subscribed
 * connection can do nothing else. They come from the application's Lettuce client, so
 * they go where it goes (standalone, Sentinel's master, Cluster), with its TLS, user and
 * password.
 */
public class DedicatedConnections {

	private final LettuceConnectionFactory connectionFactory;

	public DedicatedConnections(LettuceConnectionFactory connectionFactory) {
		this.connectionFactory = connectionFactory;
	}

	/**
	 * Opens a connection for blocking reads.
	 * @param timeout the longest a command on it waits: a blocking read's own wait included
	 * @return the connection, which the caller closes
	 */
	public StatefulConnection<byte[], byte[]> open(Duration timeout) {
		AbstractRedisClient client = this.connectionFactory.getRequiredNativeClient();
		StatefulConnection<byte[], byte[]> connection;
		if (client instanceof RedisClusterClient cluster) {
			connection = cluster.connect(ByteArrayCodec.INSTANCE);
		}
		else if (client instanceof RedisClient redis) {
			connection = redis.connect(ByteArrayCodec.INSTANCE);
		}
		else {
			throw new IllegalStateException("Unsupported Redis client " + client.getClass().getName());
		}
		connection.setTimeout(timeout);
		return connection;
	}

	/**
	 * Opens a connection for pub/sub.
	 * @return the connection, which the caller closes
	 */
	public StatefulRedisPubSubConnection<byte[], byte[]> openPubSub() {
		AbstractRedisClient client = this.connectionFactory.getRequiredNativeClient();
		if (client instanceof RedisClusterClient cluster) {
			return cluster.connectPubSub(ByteArrayCodec.INSTANCE);
		}
		if (client instanceof RedisClient redis) {
			return redis.connectPubSub(ByteArrayCodec.INSTANCE);
		}
		throw new IllegalStateException("Unsupported Redis client " + client.getClass().getName());
	}

	@SuppressWarnings("unchecked")
	public static RedisStreamAsyncCommands<byte[], byte[]> streams(StatefulConnection<byte[], byte[]> connection) {
		if (connection instanceof StatefulRedisClusterConnection<?, ?> cluster) {
			return ((StatefulRedisClusterConnection<byte[], byte[]>) cluster).async();
		}
		return ((StatefulRedisConnection<byte[], byte[]>) connection).async();
	}

}
