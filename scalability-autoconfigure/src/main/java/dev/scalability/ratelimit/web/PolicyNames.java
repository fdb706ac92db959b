package dev.scalability.ratelimit.web;

import java.time.Duration;
import java.util.List;

import dev.scalability.ratelimit.RateLimit;
import dev.scalability.ratelimit.RateLimitPolicy;

/**
 * The names under which a policy's limits appear in headers and problem bodies: the
 * rule's name for a single limit, the rule's name and the window ({@code api-1s},
 * {@code api-1h}) when there are several.
 */
final class PolicyNames {

	private PolicyNames() {
	}

	static String of(RateLimitPolicy policy, int limitIndex) {
		List<RateLimit> limits = policy.limits();
		if (limits.size() == 1) {
			return policy.name();
		}
		return policy.name() + "-" + label(limits.get(limitIndex).window());
	}

	static String label(Duration window) {
		long millis = window.toMillis();
		if (millis % 86_400_000 == 0) {
			return millis / 86_400_000 + "d";
		}
		if (millis % 3_600_000 == 0) {
			return millis / 3_600_000 + "h";
		}
		if (millis % 60_000 == 0) {
			return millis / 60_000 + "m";
		}
		if (millis % 1_000 == 0) {
			return millis / 1_000 + "s";
		}
		return millis + "ms";
	}

}
