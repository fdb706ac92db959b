package dev.scalability.redis;

import java.time.Duration;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Guarded Redis access for tests, on a connection factory of their own.
 */
public final class TestGuards {

	private TestGuards() {
	}

	public static RedisConnector connector(LettuceConnectionFactory factory) {
		return new RedisConnector(factory, (task) -> {
			Thread thread = new Thread(task, "test-connect");
			thread.setDaemon(true);
			thread.start();
		});
	}

	/**
	 * Calls bounded by a timeout, without a breaker.
	 * @param factory the connection factory
	 * @param timeout the timeout
	 * @return the guard
	 */
	public static GuardedRedis bounded(LettuceConnectionFactory factory, Duration timeout) {
		return new GuardedRedis(connector(factory), timeout, null);
	}

	/**
	 * Calls bounded by a timeout, behind a breaker that opens quickly (after 2 of 4 calls
	 * failed) and stays open for {@code openFor}.
	 * @param factory the connection factory
	 * @param timeout the timeout
	 * @param openFor how long the breaker stays open
	 * @return the guard
	 */
	public static GuardedRedis withBreaker(LettuceConnectionFactory factory, Duration timeout, Duration openFor) {
		CircuitBreaker breaker = CircuitBreaker.of("test", CircuitBreakerConfig.custom()
			.slidingWindowSize(4)
			.minimumNumberOfCalls(2)
			.failureRateThreshold(50)
			.waitDurationInOpenState(openFor)
			.permittedNumberOfCallsInHalfOpenState(1)
			.build());
		return new GuardedRedis(connector(factory), timeout, breaker);
	}

}
