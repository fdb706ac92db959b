package dev.scalability.ratelimit.actuate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.scalability.actuate.ScalabilitySnapshotContributor;
import dev.scalability.ratelimit.RateLimit;
import dev.scalability.ratelimit.RateLimitPolicy;
import dev.scalability.ratelimit.RateLimiter;
import dev.scalability.ratelimit.RateLimiterService;

/**
 * The {@code rateLimit} section of {@code /actuator/scalability}: the backend and what it
 * says of itself (fail-mode, breaker state, keys tracked in memory), and the rules, with
 * the paths and methods of those that apply to web requests.
 */
public class RateLimitSnapshotContributor implements ScalabilitySnapshotContributor {

	private final RateLimiterService service;

	private final Map<String, Map<String, Object>> routes;

	/**
	 * Creates the section.
	 * @param service the service and its rules
	 * @param routes per rule name, what web requests it covers (paths, methods,
	 * countStatus); empty outside a servlet application
	 */
	public RateLimitSnapshotContributor(RateLimiterService service, Map<String, Map<String, Object>> routes) {
		this.service = service;
		this.routes = Map.copyOf(routes);
	}

	@Override
	public String name() {
		return "rateLimit";
	}

	@Override
	public Object snapshot() {
		Map<String, Object> section = new LinkedHashMap<>();
		RateLimiter limiter = this.service.limiter();
		section.put("backend", limiter.backend());
		section.put("degraded", limiter.degraded());
		section.putAll(limiter.details());
		List<Map<String, Object>> rules = new ArrayList<>();
		for (RateLimitPolicy policy : this.service.policies()) {
			Map<String, Object> described = describe(policy);
			described.putAll(this.routes.getOrDefault(policy.name(), Map.of()));
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
