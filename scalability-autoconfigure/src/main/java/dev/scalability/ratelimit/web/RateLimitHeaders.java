package dev.scalability.ratelimit.web;

import java.util.List;

import dev.scalability.ratelimit.RateLimit;
import dev.scalability.ratelimit.RateLimitDecision;
import dev.scalability.ratelimit.RateLimitPolicy;
import dev.scalability.ratelimit.PolicyMemo;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Writes the rate-limit headers of a response from the decisions taken for it. Times are
 * whole seconds rounded up: a client that waits what it was told is not refused again for
 * the same reason.
 */
public class RateLimitHeaders {

	private final HeaderStyle style;

	private final PolicyMemo<Fields> fields = new PolicyMemo<>(Fields::of);

	public RateLimitHeaders(HeaderStyle style) {
		this.style = style;
	}

	public void write(HttpServletResponse response, List<RateLimitDecision> decisions) {
		if (decisions.isEmpty()) {
			return;
		}
		if (this.style == HeaderStyle.IETF || this.style == HeaderStyle.BOTH) {
			writeIetf(response, decisions);
		}
		if (this.style == HeaderStyle.LEGACY || this.style == HeaderStyle.BOTH) {
			writeLegacy(response, decisions);
		}
	}

	private void writeIetf(HttpServletResponse response, List<RateLimitDecision> decisions) {
		if (decisions.size() == 1) {
			// Most requests: one rule covers them.
			RateLimitDecision decision = decisions.get(0);
			Fields fields = this.fields.get(decision.policy());
			response.setHeader("RateLimit-Policy", fields.policy);
			response.setHeader("RateLimit", fields.itemPrefixes[decision.limitIndex()] + decision.remaining() + ";t="
					+ decision.resetSeconds());
			return;
		}
		StringBuilder policies = new StringBuilder();
		StringBuilder current = new StringBuilder();
		for (RateLimitDecision decision : decisions) {
			Fields fields = this.fields.get(decision.policy());
			separate(policies).append(fields.policy);
			separate(current).append(fields.itemPrefixes[decision.limitIndex()])
				.append(decision.remaining())
				.append(";t=")
				.append(decision.resetSeconds());
		}
		response.setHeader("RateLimit-Policy", policies.toString());
		response.setHeader("RateLimit", current.toString());
	}

	private static void writeLegacy(HttpServletResponse response, List<RateLimitDecision> decisions) {
		RateLimitDecision tightest = decisions.get(0);
		for (RateLimitDecision decision : decisions) {
			if (!decision.allowed() || decision.remaining() < tightest.remaining()) {
				tightest = decision;
				if (!decision.allowed()) {
					break;
				}
			}
		}
		response.setHeader("X-RateLimit-Limit", Long.toString(tightest.limit().capacity()));
		response.setHeader("X-RateLimit-Remaining", Long.toString(tightest.remaining()));
		response.setHeader("X-RateLimit-Reset", Long.toString(tightest.resetSeconds()));
	}

	private static StringBuilder separate(StringBuilder builder) {
		return (builder.length() > 0) ? builder.append(", ") : builder;
	}

	private static String policyField(RateLimitPolicy policy) {
		StringBuilder field = new StringBuilder();
		List<RateLimit> limits = policy.limits();
		for (int i = 0; i < limits.size(); i++) {
			RateLimit limit = limits.get(i);
			separate(field).append('"')
				.append(PolicyNames.of(policy, i))
				.append("\";q=")
				.append(advertisedQuota(limit))
				.append(";w=")
				.append(advertisedWindowSeconds(limit));
		}
		return field.toString();
	}

	/**
	 * The window of the policy header: whole seconds, as the draft allows no less.
	 */
	static long advertisedWindowSeconds(RateLimit limit) {
		return Math.max(1, RateLimitDecision.ceilSeconds(limit.window().toNanos()));
	}

	/**
	 * The quota of the policy header, over the advertised window: a window that is not whole
	 * seconds (100ms, 1500ms) is stretched to the next whole second, and its limit with it
	 * (rounded down), so that a client pacing itself by the header never goes faster than
	 * the limit, nor far slower. The burst is added once.
	 */
	static long advertisedQuota(RateLimit limit) {
		long windowMillis = limit.window().toMillis();
		long advertisedMillis = advertisedWindowSeconds(limit) * 1000;
		if (advertisedMillis == windowMillis) {
			return limit.capacity();
		}
		return (long) Math.floor((double) limit.limit() * advertisedMillis / windowMillis) + limit.burst();
	}

	/**
	 * What the headers say of one policy that does not change from request to request: its
	 * {@code RateLimit-Policy} field, and the start of each limit's {@code RateLimit} item,
	 * up to its remaining count.
	 */
	private record Fields(String policy, String[] itemPrefixes) {

		static Fields of(RateLimitPolicy policy) {
			String[] prefixes = new String[policy.limits().size()];
			for (int i = 0; i < prefixes.length; i++) {
				prefixes[i] = '"' + PolicyNames.of(policy, i) + "\";r=";
			}
			return new Fields(policyField(policy), prefixes);
		}

	}

}
