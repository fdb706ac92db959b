package dev.scalability.ratelimit.web;

import java.io.IOException;
import java.net.URI;
import java.util.List;

import dev.scalability.ratelimit.RateLimit;
import dev.scalability.ratelimit.RateLimitDecision;
import dev.scalability.ratelimit.RateLimiterUnavailableException;
import dev.scalability.web.ProblemResponseWriter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;

/**
 * The problems rate limiting answers with, the same from the filter and from Spring MVC: a
 * 429 {@code quota-exceeded} problem (draft-ietf-httpapi-ratelimit-headers) and a 503 when
 * no decision can be made (fail-mode {@code closed}).
 */
public class RateLimitProblems {

	/**
	 * The problem type of draft-ietf-httpapi-ratelimit-headers for a quota that is used up.
	 */
	public static final String QUOTA_EXCEEDED_TYPE = "https://iana.org/assignments/http-problem-types#quota-exceeded";

	public static final String QUOTA_EXCEEDED_TITLE = "Request cannot be satisfied as assigned quota has been exceeded";

	private final ProblemResponseWriter writer;

	private final long unavailableRetryAfterSeconds;

	/**
	 * Creates the problems.
	 * @param writer writes them from the filter
	 * @param unavailableRetryAfterSeconds the {@code Retry-After} of a 503: how long the
	 * breaker stays open
	 */
	public RateLimitProblems(ProblemResponseWriter writer, long unavailableRetryAfterSeconds) {
		this.writer = writer;
		this.unavailableRetryAfterSeconds = Math.max(1, unavailableRetryAfterSeconds);
	}

	/**
	 * The 429 problem of a refusal.
	 * @param request the request refused
	 * @param refusal the refusal
	 * @return the problem
	 */
	public static ProblemDetail quotaExceeded(HttpServletRequest request, RateLimitDecision refusal) {
		RateLimit limit = refusal.limit();
		String policy = PolicyNames.of(refusal.policy(), refusal.limitIndex());
		String detail = "Too many requests for '" + policy + "': " + limit.limit() + " per "
				+ PolicyNames.label(limit.window()) + ((limit.burst() > 0) ? " (burst " + limit.burst() + ")" : "")
				+ ". Retry after " + retryAfterSeconds(refusal) + " s.";
		ProblemDetail problem = ProblemResponseWriter.problem(HttpStatus.TOO_MANY_REQUESTS, "quota-exceeded", detail,
				request);
		problem.setType(URI.create(QUOTA_EXCEEDED_TYPE));
		problem.setTitle(QUOTA_EXCEEDED_TITLE);
		problem.setProperty("violated-policies", List.of(policy));
		return problem;
	}

	/**
	 * The 503 problem when no decision can be made.
	 * @param request the request refused
	 * @param failure why
	 * @return the problem
	 */
	public static ProblemDetail unavailable(HttpServletRequest request, RateLimiterUnavailableException failure) {
		return ProblemResponseWriter.problem(HttpStatus.SERVICE_UNAVAILABLE, "rate-limiter-unavailable",
				failure.getMessage(), request);
	}

	/**
	 * The {@code Retry-After} of a refusal, in whole seconds rounded up, at least 1.
	 * @param refusal the refusal
	 * @return the seconds
	 */
	public static long retryAfterSeconds(RateLimitDecision refusal) {
		return Math.max(1, refusal.retryAfterSeconds());
	}

	public long unavailableRetryAfterSeconds() {
		return this.unavailableRetryAfterSeconds;
	}

	void quotaExceeded(HttpServletRequest request, HttpServletResponse response, RateLimitDecision refusal)
			throws IOException {
		response.setHeader("Retry-After", Long.toString(retryAfterSeconds(refusal)));
		this.writer.write(response, quotaExceeded(request, refusal));
	}

	void unavailable(HttpServletRequest request, HttpServletResponse response, RateLimiterUnavailableException failure)
			throws IOException {
		response.setHeader("Retry-After", Long.toString(this.unavailableRetryAfterSeconds));
		this.writer.write(response, unavailable(request, failure));
	}

}
