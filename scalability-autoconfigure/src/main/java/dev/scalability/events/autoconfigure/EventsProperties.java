package dev.scalability.events.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.scalability.autoconfigure.Backend;
import dev.scalability.autoconfigure.FeatureRedisProperties;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The event bus: where events are kept, how often a failing listener is tried, and how
 * many events and dead letters each topic keeps.
 */
@ConfigurationProperties("scalability.events")
public class EventsProperties {

	/**
	 * Whether the event bus is on.
	 */
	private boolean enabled = true;

	/**
	 * Where events are kept: 'memory' (this JVM) or 'redis' (Redis Streams, shared by every
	 * instance); scalability.backend when not set.
	 */
	private Backend backend;

	/**
	 * Tries per event and listener group, the first included; then the event is a dead
	 * letter of the group.
	 */
	private int maxAttempts = 5;

	/**
	 * Wait before the first retry of a failed event; each further retry waits twice as
	 * long, spread by 20% either way.
	 */
	private Duration backoff = Duration.ofSeconds(1);

	/**
	 * Longest wait between two tries of an event.
	 */
	private Duration maxBackoff = Duration.ofMinutes(5);

	/**
	 * Events kept per topic for replay. In memory, a publish fails rather than drop an
	 * event a group has not handled yet; on Redis, a stream keeps more while a group still
	 * needs them, up to 'scalability.events.redis.max-length'.
	 */
	private int retention = 100_000;

	/**
	 * Dead letters kept per topic; beyond it the oldest is forgotten, with a warning.
	 */
	private int deadLetterRetention = 10_000;

	/**
	 * Topics the memory backend keeps at most; publishing to one more fails.
	 */
	private int maxTopics = 1_000;

	/**
	 * Redis backend: how long an event may stay with an instance that shows no sign of life
	 * before another instance claims it. A live instance renews what it holds three times
	 * within it, however long its handlers run.
	 */
	private Duration claimIdle = Duration.ofSeconds(30);

	/**
	 * Redis settings of the event bus; unset ones come from 'scalability.redis'.
	 */
	/**
	 * Packages whose classes a payload may name as its type ('@JsonTypeInfo(use = CLASS)'),
	 * besides the application's own (those of '@SpringBootApplication'). Type ids by name
	 * are unaffected.
	 */
	private List<String> trustedPackages = new ArrayList<>();

	private final Health health = new Health();

	private final Redis redis = new Redis();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public Backend getBackend() {
		return this.backend;
	}

	public void setBackend(Backend backend) {
		this.backend = backend;
	}

	public int getMaxAttempts() {
		return this.maxAttempts;
	}

	public void setMaxAttempts(int maxAttempts) {
		this.maxAttempts = maxAttempts;
	}

	public Duration getBackoff() {
		return this.backoff;
	}

	public void setBackoff(Duration backoff) {
		this.backoff = backoff;
	}

	public Duration getMaxBackoff() {
		return this.maxBackoff;
	}

	public void setMaxBackoff(Duration maxBackoff) {
		this.maxBackoff = maxBackoff;
	}

	public int getRetention() {
		return this.retention;
	}

	public void setRetention(int retention) {
		this.retention = retention;
	}

	public int getDeadLetterRetention() {
		return this.deadLetterRetention;
	}

	public void setDeadLetterRetention(int deadLetterRetention) {
		this.deadLetterRetention = deadLetterRetention;
	}

	public Duration getClaimIdle() {
		return this.claimIdle;
	}

	public void setClaimIdle(Duration claimIdle) {
		this.claimIdle = claimIdle;
	}

	public List<String> getTrustedPackages() {
		return this.trustedPackages;
	}

	public void setTrustedPackages(List<String> trustedPackages) {
		this.trustedPackages = trustedPackages;
	}

	public Health getHealth() {
		return this.health;
	}

	public Redis getRedis() {
		return this.redis;
	}

	public int getMaxTopics() {
		return this.maxTopics;
	}

	public void setMaxTopics(int maxTopics) {
		this.maxTopics = maxTopics;
	}

	/**
	 * The Redis settings of the event bus.
	 */
	public static class Health {

		/**
		 * Events not handled yet, over every group, above which the event bus health reports
		 * the bus as degraded (it stays up: a backlog is no reason to leave the rotation).
		 */
		private long lagThreshold = 10_000;

		/**
		 * Dead letters, over every topic, above which the event bus health reports the bus as
		 * degraded.
		 */
		private long deadLetterThreshold = 100;

		public long getLagThreshold() {
			return this.lagThreshold;
		}

		public void setLagThreshold(long lagThreshold) {
			this.lagThreshold = lagThreshold;
		}

		public long getDeadLetterThreshold() {
			return this.deadLetterThreshold;
		}

		public void setDeadLetterThreshold(long deadLetterThreshold) {
			this.deadLetterThreshold = deadLetterThreshold;
		}

	}

	public static class Redis extends FeatureRedisProperties {

		/**
		 * Hard cap on the entries of a topic's stream, applied approximately by every
		 * publish: beyond it the oldest entries go even when a group has not handled them
		 * yet (they are logged and counted as lost). Ten times the retention when not set.
		 */
		private Long maxLength;

		public Long getMaxLength() {
			return this.maxLength;
		}

		public void setMaxLength(Long maxLength) {
			this.maxLength = maxLength;
		}

	}

}
