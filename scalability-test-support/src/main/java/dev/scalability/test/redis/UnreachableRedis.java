package dev.scalability.test.redis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;

/**
 * A Redis that is down: a local port nothing listens on. The one way tests say "Redis is
 * not there" to an application.
 */
public final class UnreachableRedis {

	private UnreachableRedis() {
	}

	/**
	 * A local port nothing listens on.
	 * @return the port
	 */
	public static int port() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Properties pointing Spring Data Redis at a Redis that is down.
	 * @return {@code spring.data.redis.*} properties
	 */
	public static String[] springProperties() {
		return new String[] { "spring.data.redis.host=127.0.0.1", "spring.data.redis.port=" + port() };
	}

}
