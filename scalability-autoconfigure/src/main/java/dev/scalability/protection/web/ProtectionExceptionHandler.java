package dev.scalability.protection.web;

import java.net.URI;
import java.time.Duration;

import dev.scalability.protection.ProtectionException;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Answers a {@link ProtectionException} that no fallback took as a problem: 429 when the
 * policy's rate limit refused the call, 503 when its bulkhead was full or its breaker
 * open, 504 when the call timed out; with {@code Retry-After} when the policy knows it.
 * It has the lowest precedence, so that an exception handler of the application for the
 * same exception wins.
 */
@RestControllerAdvice
@Order(Ordered.LOWEST_PRECEDENCE)
public class ProtectionExceptionHandler {

	static final String TYPE = "urn:scalability:problem:protection-";

	@ExceptionHandler(ProtectionException.class)
	ResponseEntity<ProblemDetail> refused(ProtectionException ex) {
		HttpStatus status = switch (ex.getReason()) {
			case RATE_LIMITED -> HttpStatus.TOO_MANY_REQUESTS;
			case TIMED_OUT -> HttpStatus.GATEWAY_TIMEOUT;
			case BULKHEAD_FULL, CIRCUIT_OPEN -> HttpStatus.SERVICE_UNAVAILABLE;
		};
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, ex.getMessage());
		problem.setType(URI.create(TYPE + ex.getReason().tag().replace('_', '-')));
		problem.setTitle(status.getReasonPhrase());
		problem.setProperty("policy", ex.getPolicy());
		problem.setProperty("reason", ex.getReason().tag());
		ResponseEntity.BodyBuilder response = ResponseEntity.status(status);
		Duration retryAfter = ex.getRetryAfter();
		if (retryAfter != null && !retryAfter.isNegative()) {
			long seconds = Math.max(1, (retryAfter.toMillis() + 999) / 1000);
			response.header("Retry-After", Long.toString(seconds));
		}
		return response.body(problem);
	}

}
