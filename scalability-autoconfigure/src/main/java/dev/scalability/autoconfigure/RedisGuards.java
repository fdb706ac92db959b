package dev.scalability.autoconfigure;

import java.time.Duration;

import dev.scalability.redis.GuardedRedis;
import dev.scalability.redis.RedisConnector;
import dev.scalability.redis.RedisTimeBudget;
import dev.scalability.time.PauseDetector;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Builds each feature's guarded access to Redis from {@code scalability.redis.*} and the
 * feature's own {@code redis} group: its timeout, and its circuit breaker, created in the
 * application's {@link CircuitBreakerRegistry} (so that Resilience4j's metrics and
 * actuator endpoints show it, named {@code scalability-<feature>}), with every state
 * transition logged at WARN.
 */
public class RedisGuards {

	private static final Log logger = LogFactory.getLog(RedisGuards.class);

	private final RedisConnector connector;

	private final ScalabilityProperties.Redis defaults;

	private final CircuitBreakerRegistry registry;

	public RedisGuards(RedisConnector connector, ScalabilityProperties.Redis defaults,
			CircuitBreakerRegistry registry) {
		this.connector = connector;
		this.defaults = defaults;
		this.registry = registry;
	}

	/**
	 * The guarded access of one feature, with a time budget per unit of work as long as
	 * one call's timeout.
	 * @param feature the feature's property name, such as {@code rate-limit}
	 * @param overrides the feature's own settings
	 * @return the guard
	 * @throws InvalidPropertyException when a setting is out of range
	 */
	public GuardedRedis forFeature(String feature, FeatureRedisProperties overrides) {
		Duration timeout = timeout(feature, overrides);
		FeatureRedisProperties.CircuitBreaker own = overrides.getCircuitBreaker();
		ScalabilityProperties.CircuitBreaker root = this.defaults.getCircuitBreaker();
		String ownPrefix = "scalability." + feature + ".redis.circuit-breaker.";
		String rootPrefix = "scalability.redis.circuit-breaker.";
		int failureRate = (own.getFailureRate() != null) ? own.getFailureRate() : root.getFailureRate();
		String failureRateProperty = ((own.getFailureRate() != null) ? ownPrefix : rootPrefix) + "failure-rate";
		if (failureRate < 1 || failureRate > 100) {
			throw new InvalidPropertyException(failureRateProperty, failureRate,
					"must be a percentage between 1 and 100", "such as 50.");
		}
		int window = (own.getWindow() != null) ? own.getWindow() : root.getWindow();
		if (window < 1) {
			throw new InvalidPropertyException(((own.getWindow() != null) ? ownPrefix : rootPrefix) + "window", window,
					"must be at least 1", "such as 20.");
		}
		Duration openFor = (own.getOpenFor() != null) ? own.getOpenFor() : root.getOpenFor();
		if (openFor == null || openFor.isNegative() || openFor.isZero()) {
			throw new InvalidPropertyException(((own.getOpenFor() != null) ? ownPrefix : rootPrefix) + "open-for",
					openFor, "must be positive", "such as 30s.");
		}
		CircuitBreakerConfig config = CircuitBreakerConfig.custom()
			.failureRateThreshold(failureRate)
			.slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
			.slidingWindowSize(window)
			.minimumNumberOfCalls(window)
			.waitDurationInOpenState(openFor)
			.permittedNumberOfCallsInHalfOpenState(3)
			.build();
		CircuitBreaker breaker = this.registry.circuitBreaker("scalability-" + feature, config);
		breaker.getEventPublisher()
			.onStateTransition((event) -> logger.warn("Circuit breaker '" + event.getCircuitBreakerName()
					+ "' went from " + event.getStateTransition().getFromState() + " to "
					+ event.getStateTransition().getToState() + ": "
					+ describe(event.getStateTransition().getToState(), openFor)));
		return new GuardedRedis(this.connector, timeout, breaker, PauseDetector.jvm(), new RedisTimeBudget(timeout),
				grace(timeout));
	}

	/**
	 * A feature's timeout.
	 * @param feature the feature's property name
	 * @param overrides the feature's own settings
	 * @return the timeout
	 * @throws InvalidPropertyException when it is not positive
	 */
	public Duration timeout(String feature, FeatureRedisProperties overrides) {
		Duration timeout = (overrides.getTimeout() != null) ? overrides.getTimeout() : this.defaults.getTimeout();
		if (timeout == null || timeout.isNegative() || timeout.isZero()) {
			String property = (overrides.getTimeout() != null) ? "scalability." + feature + ".redis.timeout"
					: "scalability.redis.timeout";
			throw new InvalidPropertyException(property, timeout, "must be positive",
					"give a short duration such as 200ms.");
		}
		return timeout;
	}

	/**
	 * How long failures must last before a breaker hears of them: five timeouts, at least a
	 * second.
	 */
	static Duration grace(Duration timeout) {
		Duration fiveTimeouts = timeout.multipliedBy(5);
		return (fiveTimeouts.compareTo(Duration.ofSeconds(1)) > 0) ? fiveTimeouts : Duration.ofSeconds(1);
	}

	private static String describe(CircuitBreaker.State state, Duration openFor) {
		return switch (state) {
			case OPEN, FORCED_OPEN -> "Redis is not called for " + openFor.toMillis() + " ms; the feature degrades";
			case HALF_OPEN -> "a few calls try Redis again";
			case CLOSED -> "Redis is used again";
			default -> "Redis calls are " + state;
		};
	}

	public RedisConnector connector() {
		return this.connector;
	}

}
