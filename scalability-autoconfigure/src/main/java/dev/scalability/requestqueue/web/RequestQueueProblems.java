package dev.scalability.requestqueue.web;

import java.io.IOException;

import dev.scalability.requestqueue.Refusal;
import dev.scalability.requestqueue.RefusalReason;
import dev.scalability.web.ProblemResponseWriter;
import dev.scalability.web.RefusedRequests;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;

/**
 * Answers a request the queue will not serve: 503, {@code Retry-After}, and a problem whose
 * {@code reason} says why.
 */
public class RequestQueueProblems {

	private final ProblemResponseWriter writer;

	public RequestQueueProblems(ProblemResponseWriter writer) {
		this.writer = writer;
	}

	/**
	 * Writes a refusal.
	 * @param request the request
	 * @param response its response, not committed
	 * @param refusal why, and when to come back
	 * @throws IOException when the client is gone
	 */
	public void refuse(HttpServletRequest request, HttpServletResponse response, Refusal refusal)
			throws IOException {
		RefusedRequests.mark(request);
		write(request, response, refusal);
	}

	/**
	 * Writes a refusal without marking the request, for a thread other than the request's.
	 * @param request the request, only read
	 * @param response its response, not committed
	 * @param refusal why, and when to come back
	 * @throws IOException when the client is gone
	 */
	public void write(HttpServletRequest request, HttpServletResponse response, Refusal refusal) throws IOException {
		if (refusal.retryAfterSeconds() > 0) {
			response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(refusal.retryAfterSeconds()));
		}
		// A refusal holds for this moment only: no cache may keep it.
		response.setHeader(HttpHeaders.CACHE_CONTROL, "no-store");
		if (refusal.reason() == RefusalReason.SHUTTING_DOWN) {
			// Sends the client's next request to another instance.
			response.setHeader(HttpHeaders.CONNECTION, "close");
		}
		ProblemDetail problem = ProblemResponseWriter.problem(HttpStatus.SERVICE_UNAVAILABLE, refusal.reason().code(),
				detail(refusal.reason()), request);
		this.writer.write(response, problem);
	}

	static String detail(RefusalReason reason) {
		return switch (reason) {
			case QUEUE_FULL -> "The service has more requests waiting than it can serve in time.";
			case WAIT_TIMEOUT -> "The request waited as long as it may for the service to take it.";
			case MEMORY_PRESSURE -> "The service is short of memory and takes urgent requests only.";
			case CIRCUIT_OPEN -> "Too many recent requests failed; the service takes a pause.";
			case SHUTTING_DOWN -> "The service is shutting down; another instance will take the request.";
			case REQUEST_TIMEOUT -> "The request took longer than its deadline.";
		};
	}

}
