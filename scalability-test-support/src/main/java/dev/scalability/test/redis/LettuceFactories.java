package dev.scalability.test.redis;

import java.time.Duration;
import java.util.List;

import org.springframework.data.redis.connection.RedisClusterConfiguration;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Spring Data Redis connection factories for tests, built and started as an application's
 * would be.
 */
public final class LettuceFactories {

	private LettuceFactories() {
	}

	public static LettuceConnectionFactory standalone(RedisEndpoint endpoint) {
		return started(new LettuceConnectionFactory(new RedisStandaloneConfiguration(endpoint.host(), endpoint.port()),
				clientConfiguration()));
	}

	public static LettuceConnectionFactory cluster(List<RedisEndpoint> nodes) {
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

}
