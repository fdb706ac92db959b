package dev.scalability.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a Redis backend that cannot be used: what is missing, what to add, and which
 * property to change instead.
 */
class RedisBackendFailureAnalyzer extends AbstractFailureAnalyzer<RedisBackendUnavailableException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, RedisBackendUnavailableException cause) {
		String property = cause.getProperty();
		return switch (cause.getReason()) {
			case SPRING_DATA_REDIS_MISSING -> new FailureAnalysis(
					"The property '" + property + "' is set to 'redis', but Spring Data Redis is not on the class path.",
					"Add the dependency org.springframework.boot:spring-boot-starter-data-redis and configure the "
							+ "connection with spring.data.redis.* (host, port or url), or set '" + property
							+ "' to 'memory' to keep state in this JVM only.",
					cause);
			case CONNECTION_FACTORY_MISSING -> new FailureAnalysis(
					"The property '" + property + "' is set to 'redis', but the application defines no "
							+ "RedisConnectionFactory bean.",
					"Let Spring Boot create one from spring.data.redis.* (do not exclude DataRedisAutoConfiguration, "
							+ "and keep a Redis client such as Lettuce on the class path), or define a "
							+ "RedisConnectionFactory bean yourself, or set '" + property + "' to 'memory'.",
					cause);
			case UNSUPPORTED_CLIENT -> new FailureAnalysis(
					"The property '" + property + "' is set to 'redis', but the application's RedisConnectionFactory "
							+ "is not a LettuceConnectionFactory. The scalability starter bounds every wait for Redis "
							+ "(scalability.redis.timeout) through Lettuce's asynchronous API; other clients, such as "
							+ "Jedis, could hold a request for their whole socket timeout.",
					"Use Lettuce, Spring Boot's default client: remove the Jedis dependency (or exclude it) so that "
							+ "spring-boot-starter-data-redis brings io.lettuce:lettuce-core, or set '" + property
							+ "' to 'memory'.",
					cause);
			case CIRCUIT_BREAKER_MISSING -> new FailureAnalysis(
					"The property '" + property + "' is set to 'redis', but Resilience4j's circuit breaker is not on "
							+ "the class path: every Redis call of the starter is guarded by one.",
					"Depend on dev.scalability:scalability-starter, which brings it, or add "
							+ "io.github.resilience4j:resilience4j-circuitbreaker, or set '" + property + "' to 'memory'.",
					cause);
		};
	}

}
