package dev.scalability.test.redis;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.StringCodec;

/**
 * Administrative commands against one server, through Lettuce with short timeouts.
 * <p>
 * Every call opens a fresh connection and closes it: the server under test is stopped, frozen and restarted at will,
 * and a long-lived connection would carry reconnect state (and queued commands) across those faults.
 */
final class RedisAdmin {

	static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);

	private final RedisURI uri;

	RedisAdmin(RedisEndpoint endpoint, Duration timeout) {
		this.uri = RedisURI.builder().withHost(endpoint.host()).withPort(endpoint.port()).withTimeout(timeout).build();
	}

	<T> T call(Function<RedisCommands<String, String>, T> command) {
		try (StatefulRedisConnection<String, String> connection = connect()) {
			return command.apply(connection.sync());
		}
	}

	boolean answersPing() {
		try {
			return "PONG".equals(call(RedisCommands::ping));
		}
		catch (RuntimeException ex) {
			return false;
		}
	}

	/** A connection the caller owns and closes, for commands that outlive one call (DEBUG SLEEP). */
	StatefulRedisConnection<String, String> connect(Duration timeout) {
		StatefulRedisConnection<String, String> connection = connect();
		connection.setTimeout(timeout);
		return connection;
	}

	Map<String, String> info(String section) {
		return parseInfo(call((commands) -> commands.info(section)));
	}

	/** INFO and CLUSTER INFO share the {@code key:value} line format with {@code #} section headers. */
	static Map<String, String> parseInfo(String text) {
		Map<String, String> values = new LinkedHashMap<>();
		for (String line : text.split("\r?\n")) {
			if (line.isBlank() || line.startsWith("#")) {
				continue;
			}
			int colon = line.indexOf(':');
			if (colon > 0) {
				values.put(line.substring(0, colon), line.substring(colon + 1).strip());
			}
		}
		return values;
	}

	private StatefulRedisConnection<String, String> connect() {
		return AdminClient.shared().connect(StringCodec.UTF8, this.uri);
	}

}
