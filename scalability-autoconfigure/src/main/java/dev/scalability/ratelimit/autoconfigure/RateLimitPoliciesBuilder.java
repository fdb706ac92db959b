package dev.scalability.ratelimit.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import dev.scalability.autoconfigure.InvalidPropertyException;
import dev.scalability.ratelimit.Penalty;
import dev.scalability.ratelimit.RateLimit;
import dev.scalability.ratelimit.RateLimitAlgorithm;
import dev.scalability.ratelimit.RateLimitPolicy;

/**
 * Turns {@code scalability.rate-limit.*} into rule policies, checking every value on the
 * way: a mistake stops the start-up with the property's full name and what to write
 * instead, rather than surfacing as a limit that silently does not apply. Nothing here
 * needs the web: {@code @RateLimited} and {@code RateLimiterService} work in any
 * application.
 */
final class RateLimitPoliciesBuilder {

	static final String PREFIX = "scalability.rate-limit";

	private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

	private final RateLimitProperties properties;

	RateLimitPoliciesBuilder(RateLimitProperties properties) {
		this.properties = properties;
	}

	void checkGlobals() {
		if (this.properties.getMaxKeys() < 1) {
			throw new InvalidPropertyException(PREFIX + ".max-keys", this.properties.getMaxKeys(),
					"must be at least 1", "give the number of keys to track, such as 100000.");
		}
		int ipv6Prefix = this.properties.getClientIp().getIpv6Prefix();
		if (ipv6Prefix < 1 || ipv6Prefix > 128) {
			throw new InvalidPropertyException(PREFIX + ".client-ip.ipv6-prefix", ipv6Prefix,
					"must be between 1 and 128", "such as 64 (a host's usual share) or 128 (single addresses).");
		}
	}

	/**
	 * The policies of the rules, in the order declared.
	 * @return the policies
	 */
	List<RateLimitPolicy> policies() {
		checkGlobals();
		List<RateLimitPolicy> policies = new ArrayList<>();
		Map<String, Integer> names = new HashMap<>();
		List<RateLimitProperties.Rule> configured = this.properties.getRules();
		for (int i = 0; i < configured.size(); i++) {
			String at = PREFIX + ".rules[" + i + "]";
			RateLimitProperties.Rule rule = configured.get(i);
			RateLimitPolicy policy = policy(at, rule);
			Integer previous = names.putIfAbsent(policy.name(), i);
			if (previous != null) {
				throw new InvalidPropertyException(at + ".name", rule.getName(),
						"another rule has the same name (" + PREFIX + ".rules[" + previous + "])",
						"give every rule its own name.");
			}
			policies.add(policy);
		}
		return policies;
	}

	private RateLimitPolicy policy(String at, RateLimitProperties.Rule rule) {
		if (rule.getName() == null || !NAME.matcher(rule.getName()).matches()) {
			throw new InvalidPropertyException(at + ".name", rule.getName(),
					(rule.getName() == null) ? "every rule needs a name" : "a name may hold letters, digits, '.', '_' and '-' only",
					"name the rule, such as 'ai' or 'login'.");
		}
		if (rule.getAlgorithm() == null) {
			throw new InvalidPropertyException(at + ".algorithm", null, "no algorithm",
					"use token-bucket, sliding-window or fixed-window.");
		}
		List<RateLimit> limits = limits(at, rule);
		return new RateLimitPolicy(rule.getName(), rule.getAlgorithm(), limits, penalty(at, rule));
	}

	private List<RateLimit> limits(String at, RateLimitProperties.Rule rule) {
		boolean single = rule.getLimit() != null || rule.getWindow() != null;
		if (single && !rule.getLimits().isEmpty()) {
			throw new InvalidPropertyException(at + ".limits", null, "both 'limit'/'window' and 'limits' are set",
					"keep one: 'limit' and 'window' for one limit, 'limits' for several.");
		}
		if (!single && rule.getLimits().isEmpty()) {
			throw new InvalidPropertyException(at + ".limit", null, "the rule has no limit",
					"set 'limit' and 'window' (such as limit: 10, window: 1m), or 'limits'.");
		}
		if (single) {
			return List.of(limit(at, rule.getAlgorithm(), rule.getLimit(), rule.getWindow(), rule.getBurst()));
		}
		List<RateLimit> limits = new ArrayList<>();
		Set<Duration> windows = new HashSet<>();
		for (int j = 0; j < rule.getLimits().size(); j++) {
			RateLimitProperties.Limit limit = rule.getLimits().get(j);
			String limitAt = at + ".limits[" + j + "]";
			RateLimit built = limit(limitAt, rule.getAlgorithm(), limit.getLimit(), limit.getWindow(), limit.getBurst());
			if (!windows.add(built.window())) {
				throw new InvalidPropertyException(limitAt + ".window", built.window(),
						"another limit of the rule has the same window", "keep the stricter of the two.");
			}
			limits.add(built);
		}
		return limits;
	}

	private static RateLimit limit(String at, RateLimitAlgorithm algorithm, Long limit, Duration window, long burst) {
		if (limit == null || limit < 1) {
			throw new InvalidPropertyException(at + ".limit", limit, "a limit must be at least 1",
					"give the requests allowed per window, such as 10.");
		}
		if (window == null || window.toMillis() < 1) {
			throw new InvalidPropertyException(at + ".window", window, "a window must be at least 1ms",
					"give a duration such as 1s, 1m or 1h.");
		}
		if (window.toNanos() % 1_000_000 != 0) {
			throw new InvalidPropertyException(at + ".window", window,
					"a window must be whole milliseconds, so that memory and Redis count it alike",
					"give a duration such as 1500ms, 1s or 1m.");
		}
		if (burst < 0) {
			throw new InvalidPropertyException(at + ".burst", burst, "must not be negative", "use 0 or more.");
		}
		if (burst > 0 && algorithm != RateLimitAlgorithm.TOKEN_BUCKET) {
			throw new InvalidPropertyException(at + ".burst", burst, "only the token bucket has a burst",
					"remove 'burst', or use algorithm: token-bucket.");
		}
		if (window.toNanos() / 1_000 < limit) {
			throw new InvalidPropertyException(at + ".limit", limit,
					"more than one request per microsecond of the window", "use a longer window.");
		}
		return new RateLimit(limit, window, burst);
	}

	private static Penalty penalty(String at, RateLimitProperties.Rule rule) {
		RateLimitProperties.Penalty penalty = rule.getPenalty();
		if (penalty == null) {
			return null;
		}
		if (penalty.getAfter() < 1) {
			throw new InvalidPropertyException(at + ".penalty.after", penalty.getAfter(), "must be at least 1",
					"give the number of rejections that trigger a block, such as 3.");
		}
		if (penalty.getBlock() == null || penalty.getBlock().isNegative() || penalty.getBlock().isZero()) {
			throw new InvalidPropertyException(at + ".penalty.block", penalty.getBlock(), "must be positive",
					"give a duration such as 5m.");
		}
		Duration maxBlock = (penalty.getMaxBlock() != null) ? penalty.getMaxBlock() : penalty.getBlock();
		if (maxBlock.compareTo(penalty.getBlock()) < 0) {
			throw new InvalidPropertyException(at + ".penalty.max-block", maxBlock, "is shorter than 'block'",
					"give a duration at least as long as 'block' (" + penalty.getBlock() + ").");
		}
		return new Penalty(penalty.getAfter(), penalty.getBlock(), maxBlock);
	}

}
