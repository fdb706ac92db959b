package dev.scalability.ratelimit;

import java.time.Duration;
import java.util.List;

import org.springframework.util.Assert;

/**
 * What a rule limits: its name, its algorithm, one or more limits checked together, and
 * an optional penalty for repeat violators.
 */
public final class RateLimitPolicy {

	private final String name;

	private final RateLimitAlgorithm algorithm;

	private final List<RateLimit> limits;

	private final Penalty penalty;

	private final Duration longestWindow;

	public RateLimitPolicy(String name, RateLimitAlgorithm algorithm, List<RateLimit> limits, Penalty penalty) {
		Assert.hasText(name, "name must not be empty");
		Assert.notNull(algorithm, "algorithm must not be null");
		Assert.notEmpty(limits, "at least one limit is needed");
		this.name = name;
		this.algorithm = algorithm;
		this.limits = List.copyOf(limits);
		this.penalty = penalty;
		this.longestWindow = this.limits.stream().map(RateLimit::window).max(Duration::compareTo).orElseThrow();
	}

	/**
	 * The same policy for one of several instances that each count alone, as the local
	 * fallback does while Redis cannot be reached: every limit's share
	 * ({@link RateLimit#share(int)}). The name stays, so the key's state stays.
	 * @param instances how many instances share the limits
	 * @return the share, this policy itself for one instance
	 */
	public RateLimitPolicy share(int instances) {
		if (instances <= 1) {
			return this;
		}
		return new RateLimitPolicy(this.name, this.algorithm,
				this.limits.stream().map((limit) -> limit.share(instances)).toList(), this.penalty);
	}

	public static RateLimitPolicy of(String name, RateLimitAlgorithm algorithm, RateLimit... limits) {
		return new RateLimitPolicy(name, algorithm, List.of(limits), null);
	}

	public String name() {
		return this.name;
	}

	public RateLimitAlgorithm algorithm() {
		return this.algorithm;
	}

	public List<RateLimit> limits() {
		return this.limits;
	}

	/**
	 * The penalty for repeat violators.
	 * @return the penalty, or {@code null} when the rule has none
	 */
	public Penalty penalty() {
		return this.penalty;
	}

	public Duration longestWindow() {
		return this.longestWindow;
	}

	@Override
	public String toString() {
		return "RateLimitPolicy[" + this.name + ", " + this.algorithm + ", " + this.limits + "]";
	}

}
