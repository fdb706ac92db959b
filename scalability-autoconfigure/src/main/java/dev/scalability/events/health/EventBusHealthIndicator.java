package dev.scalability.events.health;

import java.util.ArrayList;
import java.util.List;

import dev.scalability.actuate.BackendHealth;
import dev.scalability.events.EventBusBackend;
import dev.scalability.events.TopicSnapshot;
import dev.scalability.redis.RedisConnectionProbe;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Health of the event bus: its backend as every feature reports it, and how much work
 * waits (lag, pending, dead letters, in all). A backlog leaves the instance up: taking it
 * out of rotation would not let it catch up any sooner. Out of service once the bus has
 * stopped handing events to listeners.
 */
public class EventBusHealthIndicator extends AbstractHealthIndicator {

	private final EventBusBackend bus;

	private final RedisConnectionProbe probe;

	private final long lagThreshold;

	private final long deadLetterThreshold;

	/**
	 * Creates an indicator with no thresholds.
	 * @param bus the bus
	 * @param probe checks Redis; {@code null} when the application has no Redis
	 */
	public EventBusHealthIndicator(EventBusBackend bus, RedisConnectionProbe probe) {
		this(bus, probe, Long.MAX_VALUE, Long.MAX_VALUE);
	}

	/**
	 * Creates an indicator.
	 * @param bus the bus
	 * @param probe checks Redis; {@code null} when the application has no Redis
	 * @param lagThreshold events not handled yet above which the bus is degraded
	 * @param deadLetterThreshold dead letters above which the bus is degraded
	 */
	public EventBusHealthIndicator(EventBusBackend bus, RedisConnectionProbe probe, long lagThreshold,
			long deadLetterThreshold) {
		super("Event bus health check failed");
		this.bus = bus;
		this.probe = probe;
		this.lagThreshold = lagThreshold;
		this.deadLetterThreshold = deadLetterThreshold;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		BackendHealth.report(builder, this.bus, this.probe);
		List<TopicSnapshot> topics = this.bus.topics();
		long lag = 0;
		long pending = 0;
		long deadLetters = 0;
		for (TopicSnapshot topic : topics) {
			deadLetters += topic.deadLetters();
			for (TopicSnapshot.GroupSnapshot group : topic.groups()) {
				lag += group.lag();
				pending += group.pending();
			}
		}
		builder.withDetail("lag", lag).withDetail("pending", pending).withDetail("deadLetters", deadLetters);
		List<String> above = new ArrayList<>();
		if (lag > this.lagThreshold) {
			above.add("lag " + lag + " above " + this.lagThreshold);
		}
		if (deadLetters > this.deadLetterThreshold) {
			above.add("dead letters " + deadLetters + " above " + this.deadLetterThreshold);
		}
		if (!above.isEmpty()) {
			// Degraded, still up: a backlog is no reason to take an instance out of rotation.
			builder.withDetail("degraded", true).withDetail("thresholds", above);
		}
		if (!this.bus.isRunning()) {
			builder.outOfService().withDetail("stopped", true);
		}
	}

}
