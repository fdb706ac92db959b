package dev.scalability.test.redis;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;

/**
 * One Lettuce client for all support-code connections, whatever server they go to. Lettuce shuts its event loops down
 * when the last client using them shuts down; a client per server would start and stop event loops all the time and
 * race callbacks still pending on them.
 */
final class AdminClient {

	/** Connecting to a live local server takes milliseconds; longer means frozen, paused or gone. */
	static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);

	private AdminClient() {
	}

	static RedisClient shared() {
		return Holder.CLIENT;
	}

	private static final class Holder {

		private static final RedisClient CLIENT = create();

		private static RedisClient create() {
			ClientResources resources = DefaultClientResources.builder()
				.ioThreadPoolSize(2)
				.computationThreadPoolSize(2)
				.build();
			RedisClient client = RedisClient.create(resources);
			// Faults are the point here: no reconnecting, no queueing, fail fast and let the caller decide.
			client.setOptions(ClientOptions.builder()
				.autoReconnect(false)
				.disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
				.socketOptions(SocketOptions.builder().connectTimeout(CONNECT_TIMEOUT).build())
				.build());
			ProcessReaper.atExit(AdminClient.class, () -> {
				client.shutdown(0, 1, TimeUnit.SECONDS);
				resources.shutdown(0, 1, TimeUnit.SECONDS);
			});
			return client;
		}

	}

}
