package dev.scalability.ratelimit.redis;

import java.time.Duration;
import java.util.List;

import dev.scalability.test.redis.RedisEndpoint;

import org.springframework.data.redis.connection.RedisClusterConfiguration;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Spring Data Redis connection factories for tests, built as an application's would be.
 */
final class LettuceFactories {

	private LettuceFactories() {
	}

	static LettuceConnectionFactory standalone(RedisEndpoint endpoint) {
		LettuceConnectionFactory factory = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration(endpoint.host(), endpoint.port()), clientConfiguration());
		return started(factory);
	}

	static LettuceConnectionFactory cluster(List<RedisEndpoint> nodes) {
		RedisClusterConfiguration configuration = new RedisClusterConfiguration(
				nodes.stream().map((node) -> node.host() + ":" + node.port()).toList());
		return started(new LettuceConnectionFactory(configuration, clientConfiguration()));
	}

	private static LettuceClientConfiguration clientConfiguration() {
		return LettuceClientConfiguration.builder().commandTimeout(Duration.ofSeconds(2)).build();
	}

	private static LettuceConnectionFactory started(LettuceConnectionFactory factory) {
		factory.afterPropertiesSet();
		factory.start();
		return factory;
	}

	static LettuceScriptExecutor executor(LettuceConnectionFactory factory, Duration timeout) {
		return new LettuceScriptExecutor(factory, timeout, (task) -> {
			Thread thread = new Thread(task, "test-connect");
			thread.setDaemon(true);
			thread.start();
		});
	}

}
