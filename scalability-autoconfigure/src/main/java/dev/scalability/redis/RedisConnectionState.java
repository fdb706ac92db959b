package dev.scalability.redis;

import java.time.Duration;

/**
 * The outcome of one check of the Redis connection.
 *
 * @param reachable whether Redis answered
 * @param latency how long the answer took, when it came
 * @param memory the server's memory settings, when it answered
 * @param error why Redis could not be reached, when it could not
 * @param stale whether this is the last state seen, a check being under way
 */
public record RedisConnectionState(boolean reachable, Duration latency, RedisMemory memory, String error,
		boolean stale) {

	static RedisConnectionState up(Duration latency, RedisMemory memory) {
		return new RedisConnectionState(true, latency, memory, null, false);
	}

	static RedisConnectionState down(String error) {
		return new RedisConnectionState(false, null, null, error, false);
	}

	RedisConnectionState asStale() {
		return new RedisConnectionState(this.reachable, this.latency, this.memory, this.error, true);
	}

	/**
	 * A short status word for endpoints: {@code UP} or {@code DOWN}.
	 * @return the status
	 */
	public String status() {
		return this.reachable ? "UP" : "DOWN";
	}

}
