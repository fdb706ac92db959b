package dev.scalability.requestqueue.health;

import dev.scalability.requestqueue.RequestQueue;
import dev.scalability.requestqueue.RequestQueueSnapshot;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Health of the request queue: out of service once shutdown has begun, so that the
 * instance leaves rotation; up otherwise, also while saturated or while its breaker is
 * open. An overloaded instance still serves what it can and answers the rest at once, and
 * taking it out of rotation would only move its load onto the others. Details say how
 * loaded it is.
 */
public class RequestQueueHealthIndicator extends AbstractHealthIndicator {

	private final RequestQueue queue;

	public RequestQueueHealthIndicator(RequestQueue queue) {
		super("Request queue health check failed");
		this.queue = queue;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		RequestQueueSnapshot snapshot = this.queue.snapshot();
		if (snapshot.shuttingDown()) {
			builder.outOfService();
		}
		else {
			builder.up();
		}
		builder.withDetail("running", snapshot.running())
			.withDetail("limit", snapshot.limit())
			.withDetail("pending", snapshot.pendingTotal())
			.withDetail("breaker", snapshot.breakerState())
			.withDetail("memoryPressure", snapshot.memoryPressure());
		if (snapshot.shuttingDown()) {
			builder.withDetail("shuttingDown", true);
		}
	}

}
