package dev.scalability.ratelimit.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import jakarta.servlet.http.HttpServletResponse;

import dev.scalability.ratelimit.RateLimit;
import dev.scalability.ratelimit.RateLimitDecision;

/**
 * Writes RFC 9457 problem details for refusals, straight to the response: the filter
 * runs before the application's handlers, so their error handling cannot be relied on.
 */
public final class ProblemResponses {

	/**
	 * The problem type of draft-ietf-httpapi-ratelimit-headers for a quota that is used up.
	 */
	public static final String QUOTA_EXCEEDED_TYPE = "https://iana.org/assignments/http-problem-types#quota-exceeded";

	public static final String QUOTA_EXCEEDED_TITLE = "Request cannot be satisfied as assigned quota has been exceeded";

	private ProblemResponses() {
	}

	/**
	 * The detail of a {@code quota-exceeded} problem, the same from the filter and from
	 * Spring MVC.
	 * @param refusal the refusal
	 * @return the detail
	 */
	static String quotaExceededDetail(RateLimitDecision refusal) {
		RateLimit limit = refusal.limit();
		return "Too many requests for '" + PolicyNames.of(refusal.policy(), refusal.limitIndex()) + "': "
				+ limit.limit() + " per " + PolicyNames.label(limit.window())
				+ ((limit.burst() > 0) ? " (burst " + limit.burst() + ")" : "") + ". Retry after "
				+ Math.max(1, refusal.retryAfterSeconds()) + " s.";
	}

	static void quotaExceeded(HttpServletResponse response, String instance, RateLimitDecision refusal)
			throws IOException {
		String policy = PolicyNames.of(refusal.policy(), refusal.limitIndex());
		long retryAfterSeconds = refusal.retryAfterSeconds();
		List<String> violatedPolicies = List.of(policy);
		String detail = quotaExceededDetail(refusal);
		StringBuilder body = new StringBuilder(256);
		body.append("{\"type\":").append(quote(QUOTA_EXCEEDED_TYPE));
		body.append(",\"title\":").append(quote(QUOTA_EXCEEDED_TITLE));
		body.append(",\"status\":429");
		body.append(",\"detail\":").append(quote(detail));
		body.append(",\"instance\":").append(quote(instance));
		body.append(",\"violated-policies\":[");
		for (int i = 0; i < violatedPolicies.size(); i++) {
			body.append((i > 0) ? "," : "").append(quote(violatedPolicies.get(i)));
		}
		body.append("]}");
		write(response, 429, retryAfterSeconds, body);
	}

	static void unavailable(HttpServletResponse response, String instance, String detail, long retryAfterSeconds)
			throws IOException {
		StringBuilder body = new StringBuilder(192);
		body.append("{\"type\":\"about:blank\",\"title\":\"Service Unavailable\",\"status\":503");
		body.append(",\"detail\":").append(quote(detail));
		body.append(",\"instance\":").append(quote(instance)).append('}');
		write(response, 503, retryAfterSeconds, body);
	}

	private static void write(HttpServletResponse response, int status, long retryAfterSeconds, CharSequence body)
			throws IOException {
		byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
		response.setStatus(status);
		response.setHeader("Retry-After", Long.toString(Math.max(1, retryAfterSeconds)));
		response.setContentType("application/problem+json");
		response.setContentLength(bytes.length);
		response.getOutputStream().write(bytes);
		response.flushBuffer();
	}

	static String quote(String value) {
		StringBuilder quoted = new StringBuilder(value.length() + 2).append('"');
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			switch (c) {
				case '"' -> quoted.append("\\\"");
				case '\\' -> quoted.append("\\\\");
				case '\n' -> quoted.append("\\n");
				case '\r' -> quoted.append("\\r");
				case '\t' -> quoted.append("\\t");
				default -> {
					if (c < 0x20) {
						quoted.append(String.format("\\u%04x", (int) c));
					}
					else {
						quoted.append(c);
					}
				}
			}
		}
		return quoted.append('"').toString();
	}

}
