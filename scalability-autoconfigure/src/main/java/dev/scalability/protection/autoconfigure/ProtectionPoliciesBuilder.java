package dev.scalability.protection.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.scalability.autoconfigure.InvalidPropertyException;
import dev.scalability.permits.PermitLimit;
import dev.scalability.permits.RatePermits;
import dev.scalability.protection.CallTimer;
import dev.scalability.protection.ProtectionObserver;
import dev.scalability.protection.ProtectionPolicy;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;

/**
 * Builds the policies of {@code scalability.protection.policies}, checking each value with
 * the property named, and registers their breakers, bulkheads and retries in
 * Resilience4j's registries under the policy's name.
 */
final class ProtectionPoliciesBuilder {

	static final String PREFIX = "scalability.protection.policies.";

	/**
	 * Failures that say the caller may not, or asked wrongly: retrying them, counting them
	 * against the target or answering them with a fallback would be wrong.
	 */
	private static final java.util.function.Predicate<Throwable> ALWAYS_IGNORED = (failure) -> {
		for (Class<?> type = failure.getClass(); type != null; type = type.getSuperclass()) {
			switch (type.getName()) {
				case "org.springframework.security.access.AccessDeniedException",
						"org.springframework.security.core.AuthenticationException",
						"jakarta.validation.ValidationException" -> {
					return true;
				}
				default -> {
				}
			}
		}
		return false;
	};

	private final ProtectionProperties properties;

	private final CircuitBreakerRegistry circuitBreakers;

	private final BulkheadRegistry bulkheads;

	private final RetryRegistry retries;

	private final RatePermits permits;

	private final CallTimer timer;

	private final ProtectionObserver observer;

	ProtectionPoliciesBuilder(ProtectionProperties properties, CircuitBreakerRegistry circuitBreakers,
			BulkheadRegistry bulkheads, RetryRegistry retries, RatePermits permits, CallTimer timer,
			ProtectionObserver observer) {
		this.properties = properties;
		this.circuitBreakers = circuitBreakers;
		this.bulkheads = bulkheads;
		this.retries = retries;
		this.permits = permits;
		this.timer = timer;
		this.observer = observer;
	}

	List<ProtectionPolicy> build() {
		List<ProtectionPolicy> policies = new ArrayList<>();
		this.properties.getPolicies().forEach((name, policy) -> policies.add(build(name, policy)));
		return policies;
	}

	private ProtectionPolicy build(String name, ProtectionProperties.Policy policy) {
		String prefix = PREFIX + name;
		List<Class<? extends Throwable>> ignored = policy.getIgnoreExceptions();
		ProtectionPolicy.Builder builder = ProtectionPolicy.named(name)
			.observer(this.observer)
			.ignore((failure) -> ALWAYS_IGNORED.test(failure) || ignored.stream().anyMatch((type) -> type.isInstance(failure)));
		if (policy.getRateLimit() != null) {
			builder.rateLimit(rateLimit(prefix + ".rate-limit", name, policy.getRateLimit()), requirePermits(prefix));
		}
		if (policy.getBulkhead() != null) {
			ProtectionProperties.Bulkhead bulkhead = policy.getBulkhead();
			if (bulkhead.getMaxConcurrent() < 1) {
				throw new InvalidPropertyException(prefix + ".bulkhead.max-concurrent", bulkhead.getMaxConcurrent(),
						"must be at least 1", "such as 20.");
			}
			notNegative(prefix + ".bulkhead.max-wait", bulkhead.getMaxWait(), "such as 0ms or 100ms.");
			unregistered(this.bulkheads.find(name).isPresent(), prefix + ".bulkhead", "resilience4j.bulkhead.instances." + name);
			builder.bulkhead(this.bulkheads.bulkhead(name, BulkheadConfig.custom()
				.maxConcurrentCalls(bulkhead.getMaxConcurrent())
				.maxWaitDuration(bulkhead.getMaxWait())
				.build()));
		}
		Duration timeout = policy.getTimeout();
		if (timeout != null) {
			InvalidPropertyException.requirePositive(prefix + ".timeout", timeout, "2s");
			builder.timeout(timeout, this.timer);
		}
		if (policy.getCircuitBreaker() != null) {
			unregistered(this.circuitBreakers.find(name).isPresent(), prefix + ".circuit-breaker",
					"resilience4j.circuitbreaker.instances." + name);
			builder.circuitBreaker(this.circuitBreakers.circuitBreaker(name,
					circuitBreaker(prefix + ".circuit-breaker", policy.getCircuitBreaker(), timeout)));
		}
		if (policy.getRetry() != null) {
			ProtectionProperties.Retry retry = policy.getRetry();
			if (retry.getMaxAttempts() < 1) {
				throw new InvalidPropertyException(prefix + ".retry.max-attempts", retry.getMaxAttempts(),
						"must be at least 1 (the first attempt counts)", "such as 3.");
			}
			InvalidPropertyException.requirePositive(prefix + ".retry.backoff", retry.getBackoff(), "200ms");
			if (retry.getMultiplier() < 1) {
				throw new InvalidPropertyException(prefix + ".retry.multiplier", retry.getMultiplier(),
						"must be at least 1", "such as 2, or 1 for a fixed backoff.");
			}
			unregistered(this.retries.find(name).isPresent(), prefix + ".retry", "resilience4j.retry.instances." + name);
			RetryConfig.Builder<Object> config = RetryConfig.custom()
				.maxAttempts(retry.getMaxAttempts())
				.intervalFunction(IntervalFunction.ofExponentialBackoff(retry.getBackoff(), retry.getMultiplier()));
			if (!retry.getRetryOn().isEmpty()) {
				config.retryOnException((failure) -> retry.getRetryOn().stream().anyMatch((type) -> type.isInstance(failure)));
			}
			builder.retry(this.retries.retry(name, config.build()));
		}
		return builder.build();
	}

	/**
	 * A policy's part must not take the place of an instance Resilience4j already has under
	 * the policy's name: one of the two configurations would be silently ignored.
	 */
	private static void unregistered(boolean exists, String property, String resilience4jProperty) {
		if (exists) {
			throw new InvalidPropertyException(property, null,
					"Resilience4j already has an instance of this name (" + resilience4jProperty
							+ "), whose configuration would win",
					"configure it in one place only: remove " + resilience4jProperty + " or rename the policy.");
		}
	}

	private PermitLimit rateLimit(String property, String name, ProtectionProperties.RateLimit rateLimit) {
		if (rateLimit.getLimit() < 1) {
			throw new InvalidPropertyException(property + ".limit", rateLimit.getLimit(), "must be at least 1",
					"such as 100.");
		}
		if (rateLimit.getWindow() == null || rateLimit.getWindow().toMillis() < 1) {
			throw new InvalidPropertyException(property + ".window", rateLimit.getWindow(), "must be at least 1ms",
					"such as 1s.");
		}
		if (rateLimit.getBurst() < 0) {
			throw new InvalidPropertyException(property + ".burst", rateLimit.getBurst(), "must not be negative",
					"such as 0.");
		}
		return new PermitLimit("protection:" + name, rateLimit.getLimit(), rateLimit.getWindow(),
				rateLimit.getBurst());
	}

	private RatePermits requirePermits(String prefix) {
		if (this.permits == null) {
			throw new InvalidPropertyException(prefix + ".rate-limit", null,
					"needs the rate limiter, which is off (scalability.rate-limit.enabled=false)",
					"turn the rate limiter on, or remove the policy's rate-limit.");
		}
		return this.permits;
	}

	private static CircuitBreakerConfig circuitBreaker(String property, ProtectionProperties.CircuitBreaker breaker,
			Duration timeout) {
		if (breaker.getFailureRate() <= 0 || breaker.getFailureRate() > 100) {
			throw new InvalidPropertyException(property + ".failure-rate", breaker.getFailureRate(),
					"must be a percentage above 0 and at most 100", "such as 50.");
		}
		if (breaker.getWindow() < 1) {
			throw new InvalidPropertyException(property + ".window", breaker.getWindow(), "must be at least 1",
					"such as 20.");
		}
		InvalidPropertyException.requirePositive(property + ".open-for", breaker.getOpenFor(), "30s");
		CircuitBreakerConfig.Builder config = CircuitBreakerConfig.custom()
			.failureRateThreshold(breaker.getFailureRate())
			.slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
			.slidingWindowSize(breaker.getWindow())
			.minimumNumberOfCalls(breaker.getWindow())
			.permittedNumberOfCallsInHalfOpenState(Math.min(breaker.getWindow(), 10))
			.waitDurationInOpenState(breaker.getOpenFor());
		if (timeout != null) {
			// A call that ends, but later than its timeout, is as bad as one that fails.
			config.slowCallDurationThreshold(timeout).slowCallRateThreshold(breaker.getFailureRate());
		}
		return config.build();
	}


	private static void notNegative(String property, Duration value, String example) {
		if (value == null || value.isNegative()) {
			throw new InvalidPropertyException(property, value, "must not be negative", example);
		}
	}

}
