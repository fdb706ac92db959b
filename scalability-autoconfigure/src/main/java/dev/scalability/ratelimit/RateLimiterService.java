package dev.scalability.ratelimit;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.springframework.util.Assert;

/**
 * Rate limiting for code: asks for permits under a named rule (from
 * {@code scalability.rate-limit.rules}) or under any policy, and records metrics. The web
 * filter and {@code @RateLimited} go through it too. Keys given by code live in their own
 * namespace ({@link RateLimitKey#application(String)}): they never share a quota with the
 * addresses, users or headers the filter counts.
 */
public class RateLimiterService {

	private final RateLimiter limiter;

	private final Map<String, RateLimitPolicy> policies;

	private final RateLimitObserver observer;

	public RateLimiterService(RateLimiter limiter, Collection<RateLimitPolicy> policies, RateLimitObserver observer) {
		this.limiter = limiter;
		this.observer = observer;
		Map<String, RateLimitPolicy> byName = new LinkedHashMap<>();
		for (RateLimitPolicy policy : policies) {
			byName.put(policy.name(), policy);
		}
		this.policies = Collections.unmodifiableMap(byName);
	}

	/**
	 * Takes one permit under a named rule.
	 * @param rule the rule's name
	 * @param key who asks
	 * @return the decision
	 * @throws IllegalArgumentException when no rule has that name
	 * @throws RateLimiterUnavailableException when the backend is unavailable and the
	 * fail-mode is closed
	 */
	public RateLimitDecision tryAcquire(String rule, String key) {
		return tryAcquire(rule, key, 1);
	}

	/**
	 * Takes permits under a named rule.
	 * @param rule the rule's name
	 * @param key who asks
	 * @param permits how many, at least 1 and at most the rule's capacity
	 * @return the decision
	 * @throws IllegalArgumentException when no rule has that name
	 * @throws RateLimiterUnavailableException when the backend is unavailable and the
	 * fail-mode is closed
	 */
	public RateLimitDecision tryAcquire(String rule, String key, long permits) {
		RateLimitPolicy policy = this.policies.get(rule);
		Assert.isTrue(policy != null, () -> "No rate-limit rule named '" + rule + "'; known rules: "
				+ this.policies.keySet());
		return acquire(policy, RateLimitKey.application(key), permits, AcquireMode.ACQUIRE);
	}

	/**
	 * Decides on permits under any policy.
	 * @param policy the limits
	 * @param key who asks
	 * @param permits how many
	 * @param mode what the request does to the key's state
	 * @return the decision
	 */
	public RateLimitDecision acquire(RateLimitPolicy policy, RateLimitKey key, long permits, AcquireMode mode) {
		Assert.notNull(key, "key must not be null");
		Assert.isTrue(permits >= 1, "permits must be at least 1");
		for (RateLimit limit : policy.limits()) {
			Assert.isTrue(permits <= limit.capacity(), () -> "permits (" + permits + ") exceed the capacity of "
					+ policy.name() + " (" + limit.capacity() + ")");
		}
		RateLimitDecision decision;
		try {
			decision = this.limiter.acquire(policy, key.value(), permits, mode);
		}
		catch (RateLimiterUnavailableException ex) {
			this.observer.failed(policy);
			throw ex;
		}
		if (mode != AcquireMode.REFUND) {
			this.observer.decided(policy, decision);
		}
		return decision;
	}

	/**
	 * Gives back permits taken earlier, to the backend that granted them.
	 * @param taken the decision that granted them
	 * @param key who took them
	 * @param permits how many
	 */
	public void refund(RateLimitDecision taken, RateLimitKey key, long permits) {
		this.limiter.refund(taken.policy(), key.value(), permits, taken.source());
	}

	/**
	 * A named rule's policy.
	 * @param rule the name
	 * @return the policy, if a rule has that name
	 */
	public Optional<RateLimitPolicy> policy(String rule) {
		return Optional.ofNullable(this.policies.get(rule));
	}

	public Collection<RateLimitPolicy> policies() {
		return this.policies.values();
	}

	public RateLimiter limiter() {
		return this.limiter;
	}

}
