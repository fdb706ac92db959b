package dev.scalability.ratelimit.web;

import java.util.List;

import dev.scalability.web.PathIndex;

/**
 * The web rules, indexed by path, in two groups: those checked before authentication
 * (keys by address, header or expression) and those checked after (keys by user).
 */
public final class RateLimitRules {

	private final List<RateLimitRule> rules;

	private final PathIndex<RateLimitRule> beforeAuthentication;

	private final PathIndex<RateLimitRule> afterAuthentication;

	public RateLimitRules(List<RateLimitRule> rules) {
		this.rules = List.copyOf(rules);
		this.beforeAuthentication = new PathIndex<>(
				this.rules.stream().filter((rule) -> !rule.needsAuthentication()).map(RateLimitRule::route).toList());
		this.afterAuthentication = new PathIndex<>(
				this.rules.stream().filter(RateLimitRule::needsAuthentication).map(RateLimitRule::route).toList());
	}

	/**
	 * Every rule, in the order declared.
	 * @return the rules
	 */
	public List<RateLimitRule> rules() {
		return this.rules;
	}

	public PathIndex<RateLimitRule> beforeAuthentication() {
		return this.beforeAuthentication;
	}

	public PathIndex<RateLimitRule> afterAuthentication() {
		return this.afterAuthentication;
	}

}
