package dev.scalability.test.redis;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * A private {@code redis-server} for one test, with an application's connection factory to
 * it: what tests that inject faults (stop, freeze, fill) start before each test and close
 * after. Closing thaws a frozen server first, so that nothing waits on it.
 */
public final class PrivateRedis implements AutoCloseable {

	private final RedisServerProcess server;

	private final LettuceConnectionFactory connectionFactory;

	private PrivateRedis(RedisServerProcess server) {
		this.server = server;
		this.connectionFactory = LettuceFactories.standalone(server.endpoint());
	}

	/**
	 * Starts a server, or applies the skip/fail policy when {@code redis-server} is not on
	 * the PATH.
	 * @param args extra {@code redis-server} arguments, such as {@code --maxmemory 4mb}
	 * @return the server and its connection factory
	 */
	public static PrivateRedis start(String... args) {
		TestRedis.requireRedisServerOnPath();
		return new PrivateRedis(RedisServerProcess.builder().args(args).start());
	}

	public RedisServerProcess server() {
		return this.server;
	}

	public LettuceConnectionFactory connectionFactory() {
		return this.connectionFactory;
	}

	@Override
	public void close() {
		try {
			if (this.server.isRunning()) {
				this.server.thaw();
			}
			this.connectionFactory.destroy();
		}
		finally {
			this.server.close();
		}
	}

}
