package dev.scalability.requestqueue.actuate;

import java.util.Map;

import dev.scalability.requestqueue.RequestQueue;
import dev.scalability.requestqueue.RequestQueueDescription;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/**
 * {@code GET /actuator/requestqueue}: requests waiting by priority, running, completed,
 * refused by reason, average wait and processing time, the current limit, the breaker's
 * state, memory pressure and shutdown.
 */
@Endpoint(id = "requestqueue")
public class RequestQueueEndpoint {

	private final RequestQueue queue;

	private final int minConcurrent;

	private final int maxConcurrent;

	private final double heapThreshold;

	public RequestQueueEndpoint(RequestQueue queue, int minConcurrent, int maxConcurrent, double heapThreshold) {
		this.queue = queue;
		this.minConcurrent = minConcurrent;
		this.maxConcurrent = maxConcurrent;
		this.heapThreshold = heapThreshold;
	}

	@ReadOperation
	public Map<String, Object> requestQueue() {
		return RequestQueueDescription.describe(this.queue.snapshot(), this.minConcurrent, this.maxConcurrent,
				this.heapThreshold);
	}

}
