package dev.scalability.ratelimit.actuate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.scalability.actuate.ScalabilitySnapshotContributor;
import dev.scalability.ratelimit.FailoverRateLimiter;
import dev.scalability.ratelimit.RateLimit;
import dev.scalability.ratelimit.RateLimitPolicy;
import dev.scalability.ratelimit.RateLimiter;
import dev.scalability.ratelimit.RateLimiterService;
import dev.scalability.ratelimit.memory.MemoryRateLimiter;
import dev.scalability.ratelimit.web.RateLimitRule;

/**
 * The {@code rateLimit} section of {@code /actuator/scalability}: backend, fail-mode and
 * breaker state, keys tracked in memory, and the rules.
 */
public class RateLimitSnapshotContributor implements ScalabilitySnapshotContributor {

	private final RateLimiterService service;

	private final List<RateLimitRule> rules;

	private final String backend;

	public RateLimitSnapshotContributor(RateLimiterService service, List<RateLimitRule> rules, String backend) {
		this.service = service;
		this.rules = List.copyOf(rules);
		this.backend = backend;
	}

	@Override
	public String name() {
		return "rateLimit";
	}

	@Override
	public Object snapshot() {
		Map<String, Object> section = new LinkedHashMap<>();
		section.put("backend", this.backend);
		RateLimiter limiter = this.service.limiter();
		if (limiter instanceof FailoverRateLimiter failover) {
			section.put("failMode", failover.failMode().name().toLowerCase(Locale.ROOT));
			section.put("circuitBreaker", failover.circuitBreaker().getState().name());
			limiter = failover.local();
		}
		if (limiter instanceof MemoryRateLimiter memory) {
			section.put("trackedKeys", memory.trackedKeys());
		}
		List<Map<String, Object>> rules = new ArrayList<>();
		for (RateLimitRule rule : this.rules) {
			Map<String, Object> described = describe(rule.policy());
			described.put("paths", rule.paths().stream().map(Object::toString).toList());
			described.put("methods", rule.methods());
			if (!rule.countStatus().isEmpty()) {
				described.put("countStatus", rule.countStatus());
			}
			rules.add(described);
		}
		section.put("rules", rules);
		return section;
	}

	private static Map<String, Object> describe(RateLimitPolicy policy) {
		Map<String, Object> described = new LinkedHashMap<>();
		described.put("name", policy.name());
		described.put("algorithm", policy.algorithm().name().toLowerCase(Locale.ROOT).replace('_', '-'));
		List<Map<String, Object>> limits = new ArrayList<>();
		for (RateLimit limit : policy.limits()) {
			Map<String, Object> limitDescription = new LinkedHashMap<>();
			limitDescription.put("limit", limit.limit());
			limitDescription.put("window", limit.window().toString());
			limitDescription.put("burst", limit.burst());
			limits.add(limitDescription);
		}
		described.put("limits", limits);
		if (policy.penalty() != null) {
			described.put("penalty", Map.of("after", policy.penalty().after(), "block",
					policy.penalty().block().toString(), "maxBlock", policy.penalty().maxBlock().toString()));
		}
		return described;
	}

}
