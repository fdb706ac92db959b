package dev.scalability.events.redis;

import java.time.Duration;

/**
 * How the Redis Streams backend shares work among instances.
 *
 * @param consumer this instance's consumer name in every group, unique among the
 * instances sharing Redis
 * @param claimIdle how long an event may stay with a consumer that no longer shows signs
 * of life before another instance claims it; a live consumer renews the events it holds
 * three times within it
 * @param maxLength the hard cap on a topic's stream, applied (approximately) by every
 * publish: beyond it the oldest entries go even when a group still needs them
 * @param maintenanceInterval how often streams are trimmed to their retention and the
 * consumers of gone instances forgotten
 * @param consumerExpiry how long a consumer that holds nothing stays idle before it is
 * forgotten
 * @param readBlock the longest a read waits for new events
 */
public record RedisEventBusSettings(String consumer, Duration claimIdle, long maxLength, Duration maintenanceInterval,
		Duration consumerExpiry, Duration readBlock) {

	public RedisEventBusSettings {
		if (consumer == null || consumer.isBlank()) {
			throw new IllegalArgumentException("the consumer name must not be blank");
		}
		if (claimIdle.toMillis() < 3) {
			throw new IllegalArgumentException("claimIdle must be at least 3 ms");
		}
		if (maxLength < 1) {
			throw new IllegalArgumentException("maxLength must be at least 1");
		}
		if (readBlock.toMillis() < 1) {
			throw new IllegalArgumentException("readBlock must be at least 1 ms");
		}
	}

	/**
	 * Settings with the defaults of everything but the consumer, the claim bound and the
	 * cap.
	 * @param consumer this instance's consumer name
	 * @param claimIdle the claim bound
	 * @param maxLength the hard cap per stream
	 * @return the settings
	 */
	public static RedisEventBusSettings of(String consumer, Duration claimIdle, long maxLength) {
		return new RedisEventBusSettings(consumer, claimIdle, maxLength, Duration.ofSeconds(10),
				max(claimIdle.multipliedBy(10), Duration.ofMinutes(5)), Duration.ofMillis(500));
	}

	/**
	 * The same settings with other maintenance times.
	 * @param interval how often to trim and forget consumers
	 * @param expiry how long an idle consumer that holds nothing stays
	 * @return the settings
	 */
	public RedisEventBusSettings withMaintenance(Duration interval, Duration expiry) {
		return new RedisEventBusSettings(this.consumer, this.claimIdle, this.maxLength, interval, expiry,
				this.readBlock);
	}

	private static Duration max(Duration a, Duration b) {
		return (a.compareTo(b) >= 0) ? a : b;
	}

}
