package dev.scalability.test.redis;

import java.time.Duration;
import java.util.List;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;

/** Lettuce clients as an application would use them, with timeouts short enough for fault tests. */
final class LettuceTestClients {

	/** Reconnects every 100 ms, so a restarted server is picked up quickly instead of after an exponential back-off. */
	private static final ClientResources RESOURCES = DefaultClientResources.builder()
		.ioThreadPoolSize(2)
		.computationThreadPoolSize(2)
		.reconnectDelay(Delay.constant(Duration.ofMillis(100)))
		.build();

	private LettuceTestClients() {
	}

	/**
	 * One standalone client for every test, never shut down: Lettuce stops its event loops when their last client
	 * shuts down, and a timer still pending from a refused connection then logs a rejected task.
	 */
	private static final RedisClient STANDALONE = RedisClient.create(RESOURCES);

	/** A connection whose commands time out after {@code timeout}; the caller closes it. */
	static StatefulRedisConnection<String, String> connect(RedisEndpoint endpoint, Duration timeout) {
		return STANDALONE.connect(StringCodec.UTF8, uri(endpoint, timeout));
	}

	static RedisClusterClient cluster(List<RedisEndpoint> endpoints, Duration timeout) {
		RedisClusterClient client = RedisClusterClient.create(RESOURCES,
				endpoints.stream().map((endpoint) -> uri(endpoint, timeout)).toList());
		client.setOptions(ClusterClientOptions.builder().timeoutOptions(TimeoutOptions.enabled(timeout)).build());
		return client;
	}

	private static RedisURI uri(RedisEndpoint endpoint, Duration timeout) {
		return RedisURI.builder().withHost(endpoint.host()).withPort(endpoint.port()).withTimeout(timeout).build();
	}

}
