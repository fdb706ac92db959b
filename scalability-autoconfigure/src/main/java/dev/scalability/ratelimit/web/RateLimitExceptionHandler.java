package dev.scalability.ratelimit.web;

import java.util.List;

import dev.scalability.ratelimit.RateLimitExceededException;
import dev.scalability.ratelimit.RateLimiterUnavailableException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

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
 * It has the lowest precedence, so that an exception handler of the application for the
 * same exceptions wins.
 */
@RestControllerAdvice
@Order(Ordered.LOWEST_PRECEDENCE)
public class RateLimitExceptionHandler {

	private final RateLimitHeaders headers;

	private final RateLimitProblems problems;

	public RateLimitExceptionHandler(RateLimitHeaders headers, RateLimitProblems problems) {
		this.headers = headers;
		this.problems = problems;
	}

	@ExceptionHandler(RateLimitExceededException.class)
	ResponseEntity<ProblemDetail> rateLimitExceeded(RateLimitExceededException ex, HttpServletRequest request,
			HttpServletResponse response) {
		RequestPermits.refused(request);
		this.headers.write(response, List.of(ex.getDecision()));
		return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS)
			.header("Retry-After", Long.toString(RateLimitProblems.retryAfterSeconds(ex.getDecision())))
			.body(RateLimitProblems.quotaExceeded(request, ex.getDecision()));
	}

	@ExceptionHandler(RateLimiterUnavailableException.class)
	ResponseEntity<ProblemDetail> rateLimiterUnavailable(RateLimiterUnavailableException ex,
			HttpServletRequest request) {
		RequestPermits.refused(request);
		return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
			.header("Retry-After", Long.toString(this.problems.unavailableRetryAfterSeconds()))
			.body(RateLimitProblems.unavailable(request, ex));
	}

}
