package dev.scalability.redis;

import java.util.concurrent.Future;

import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;

/**
 * One command sent on the asynchronous API, for {@link GuardedRedis#call(RedisCommand)}.
 *
 * @param <T> the type of the answer
 */
@FunctionalInterface
public interface RedisCommand<T> {

	/**
	 * Sends the command.
	 * @param commands the connection's commands
	 * @return the answer to come
	 */
	Future<T> send(RedisClusterAsyncCommands<byte[], byte[]> commands);

}
