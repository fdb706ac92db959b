package dev.scalability.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.lettuce.core.ClientOptions;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;

/**
 * Warns, once at start-up, when the application's Lettuce client keeps the defaults that
 * hurt a service whose requests wait on Redis: a command timeout of a minute, and commands
 * queued while disconnected (sent, and waited for, only once the connection is back). The
 * starter's own calls bound themselves and go around both; the application's own Redis
 * calls, Spring's cache and session stores do not.
 */
public final class LettuceDefaultsCheck {

	private static final Log logger = LogFactory.getLog(LettuceDefaultsCheck.class);

	/**
	 * A command timeout from which a request path waits too long on a Redis that does not
	 * answer.
	 */
	static final Duration LONG_TIMEOUT = Duration.ofSeconds(10);

	private LettuceDefaultsCheck() {
	}

	/**
	 * What is unsafe in a client configuration.
	 * @param configuration the application's Lettuce configuration
	 * @return one sentence per unsafe default, naming what to set; empty when none
	 */
	public static List<String> unsafeDefaults(LettuceClientConfiguration configuration) {
		List<String> unsafe = new ArrayList<>();
		Duration timeout = configuration.getCommandTimeout();
		if (timeout == null || timeout.compareTo(LONG_TIMEOUT) >= 0) {
			unsafe.add("its command timeout is " + ((timeout != null) ? timeout.toSeconds() + " s" : "unbounded")
					+ ": set spring.data.redis.timeout (such as 500ms) so that a request waits at most that for an "
					+ "unanswered command");
		}
		ClientOptions options = configuration.getClientOptions().orElseGet(ClientOptions::create);
		if (options.isAutoReconnect()
				&& options.getDisconnectedBehavior() != ClientOptions.DisconnectedBehavior.REJECT_COMMANDS) {
			unsafe.add("it queues commands while disconnected, so that callers wait for a reconnect: set "
					+ "ClientOptions.disconnectedBehavior(REJECT_COMMANDS) in a LettuceClientConfigurationBuilderCustomizer "
					+ "bean");
		}
		return unsafe;
	}

	/**
	 * Logs what is unsafe, if anything.
	 * @param configuration the application's Lettuce configuration
	 * @param features the features that keep their state in Redis, for the message
	 */
	public static void warnIfUnsafe(LettuceClientConfiguration configuration, List<String> features) {
		List<String> unsafe = unsafeDefaults(configuration);
		if (!unsafe.isEmpty()) {
			logger.warn("The Redis client (Lettuce) of this application, which " + String.join(", ", features)
					+ " use on the request path, runs with unsafe defaults: " + String.join("; ", unsafe) + ".");
		}
	}

}
