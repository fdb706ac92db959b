package dev.scalability.test.redis;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * Where a Redis for tests listens.
 *
 * @param host host name or IP address (IPv6 without brackets)
 * @param port TCP port
 */
public record RedisEndpoint(String host, int port) {

	private static final int DEFAULT_PORT = 6379;

	public RedisEndpoint {
		if (host == null || host.isBlank()) {
			throw new IllegalArgumentException("host must not be blank");
		}
		if (port < 1 || port > 65535) {
			throw new IllegalArgumentException("port must be between 1 and 65535 but was " + port);
		}
	}

	/**
	 * Reads {@code redis://host[:port]}. Credentials, a database or TLS are refused rather than dropped, because
	 * this record cannot carry them and silently losing them would point tests somewhere unexpected.
	 */
	public static RedisEndpoint parse(String url) {
		if (url == null || url.isBlank()) {
			throw new IllegalArgumentException("Redis URL must not be blank");
		}
		URI uri;
		try {
			uri = new URI(url.trim());
		}
		catch (URISyntaxException ex) {
			throw new IllegalArgumentException("Not a Redis URL (expected redis://host:port): " + url, ex);
		}
		if (!"redis".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
			throw new IllegalArgumentException("Not a Redis URL (expected redis://host:port): " + url);
		}
		boolean hasDatabase = uri.getPath() != null && !uri.getPath().isEmpty() && !uri.getPath().equals("/");
		if (uri.getUserInfo() != null || hasDatabase || uri.getQuery() != null) {
			throw new IllegalArgumentException(
					"Only redis://host:port is supported for tests (no credentials, database or options): " + url);
		}
		String host = uri.getHost();
		if (host.startsWith("[") && host.endsWith("]")) {
			host = host.substring(1, host.length() - 1);
		}
		return new RedisEndpoint(host, (uri.getPort() != -1) ? uri.getPort() : DEFAULT_PORT);
	}

	/** {@code redis://host:port}, the form Lettuce and {@code spring.data.redis.url} accept. */
	public String url() {
		String printableHost = host.contains(":") ? "[" + host + "]" : host;
		return "redis://" + printableHost + ":" + port;
	}

	/** Properties pointing Spring Data Redis here, for {@code ApplicationContextRunner.withPropertyValues}. */
	public String[] springProperties() {
		return new String[] { "spring.data.redis.host=" + host, "spring.data.redis.port=" + port };
	}

	@Override
	public String toString() {
		return url();
	}

}
