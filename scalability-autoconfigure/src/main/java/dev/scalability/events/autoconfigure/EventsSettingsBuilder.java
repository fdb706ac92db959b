package dev.scalability.events.autoconfigure;

import java.time.Duration;

import dev.scalability.autoconfigure.InvalidPropertyException;
import dev.scalability.delivery.Backoff;
import dev.scalability.delivery.RetryPolicy;
import dev.scalability.events.EventBusSettings;
import dev.scalability.events.redis.RedisEventBusSettings;

/**
 * Turns {@code scalability.events.*} into the bus's settings, checking every value: one
 * the bus cannot work with stops the start-up with the property's name.
 */
final class EventsSettingsBuilder {

	static final String PREFIX = "scalability.events";

	private final EventsProperties properties;

	EventsSettingsBuilder(EventsProperties properties) {
		this.properties = properties;
	}

	EventBusSettings settings() {
		atLeastOne("max-attempts", this.properties.getMaxAttempts(), "such as 5.");
		Duration backoff = this.properties.getBackoff();
		if (backoff == null || backoff.isNegative()) {
			throw new InvalidPropertyException(PREFIX + ".backoff", backoff, "must not be negative",
					"such as 1s, or 0s to retry at once.");
		}
		Duration maxBackoff = this.properties.getMaxBackoff();
		if (maxBackoff == null || maxBackoff.compareTo(backoff) < 0) {
			throw new InvalidPropertyException(PREFIX + ".max-backoff", maxBackoff,
					"must not be less than backoff (" + backoff + ")", "such as 5m.");
		}
		atLeastOne("retention", this.properties.getRetention(), "such as 100000.");
		atLeastOne("dead-letter-retention", this.properties.getDeadLetterRetention(), "such as 10000.");
		atLeastOne("max-topics", this.properties.getMaxTopics(), "such as 1000.");
		RetryPolicy retryPolicy = new RetryPolicy(this.properties.getMaxAttempts(),
				Backoff.exponential(backoff, maxBackoff));
		return new EventBusSettings(retryPolicy, this.properties.getRetention(),
				this.properties.getDeadLetterRetention(), this.properties.getMaxTopics());
	}

	/**
	 * The Redis backend's settings.
	 * @param consumer this instance's consumer name
	 * @return the settings
	 */
	RedisEventBusSettings redisSettings(String consumer) {
		Duration claimIdle = this.properties.getClaimIdle();
		if (claimIdle == null || claimIdle.toMillis() < 100) {
			throw new InvalidPropertyException(PREFIX + ".claim-idle", claimIdle, "must be at least 100ms",
					"such as 30s: longer than a pause of an instance that is still alive.");
		}
		long retention = this.properties.getRetention();
		Long maxLength = this.properties.getRedis().getMaxLength();
		if (maxLength != null && maxLength < retention) {
			throw new InvalidPropertyException(PREFIX + ".redis.max-length", maxLength,
					"must not be less than retention (" + retention + ")", "such as " + (retention * 10) + ".");
		}
		return RedisEventBusSettings.of(consumer, claimIdle, (maxLength != null) ? maxLength : retention * 10);
	}

	private static void atLeastOne(String property, int value, String example) {
		if (value < 1) {
			throw new InvalidPropertyException(PREFIX + "." + property, value, "must be at least 1", example);
		}
	}

}
