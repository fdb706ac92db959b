package dev.scalability.ratelimit.web;

import java.net.URI;
import java.util.List;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import dev.scalability.ratelimit.RateLimitDecision;
import dev.scalability.ratelimit.RateLimitExceededException;
import dev.scalability.ratelimit.RateLimiterUnavailableException;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Answers {@link RateLimitExceededException} (from {@code @RateLimited} methods) with the
 * same 429 as the filter: {@code Retry-After}, the rate-limit headers and a
 * {@code quota-exceeded} problem; and {@link RateLimiterUnavailableException} with 503.
 */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
public class RateLimitExceptionHandler {

	private final RateLimitHeaders headers;

	private final long unavailableRetryAfterSeconds;

	public RateLimitExceptionHandler(RateLimitHeaders headers, long unavailableRetryAfterSeconds) {
		this.headers = headers;
		this.unavailableRetryAfterSeconds = unavailableRetryAfterSeconds;
	}

	@ExceptionHandler(RateLimitExceededException.class)
	ResponseEntity<ProblemDetail> rateLimitExceeded(RateLimitExceededException ex, HttpServletRequest request,
			HttpServletResponse response) {
		RateLimitDecision decision = ex.getDecision();
		this.headers.write(response, List.of(decision));
		String policy = PolicyNames.of(decision.policy(), decision.limitIndex());
		ProblemDetail problem = ProblemDetail.forStatus(HttpStatus.TOO_MANY_REQUESTS);
		problem.setType(URI.create(ProblemResponses.QUOTA_EXCEEDED_TYPE));
		problem.setTitle(ProblemResponses.QUOTA_EXCEEDED_TITLE);
		problem.setDetail(ProblemResponses.quotaExceededDetail(decision));
		problem.setInstance(URI.create(request.getRequestURI()));
		problem.setProperty("violated-policies", List.of(policy));
		return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS)
			.header("Retry-After", Long.toString(Math.max(1, decision.retryAfterSeconds())))
			.body(problem);
	}

	@ExceptionHandler(RateLimiterUnavailableException.class)
	ResponseEntity<ProblemDetail> rateLimiterUnavailable(RateLimiterUnavailableException ex,
			HttpServletRequest request) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE, ex.getMessage());
		problem.setInstance(URI.create(request.getRequestURI()));
		return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
			.header("Retry-After", Long.toString(Math.max(1, this.unavailableRetryAfterSeconds)))
			.body(problem);
	}

}
