package dev.scalability.redis;

import java.time.Duration;

/**
 * The outcome of one check of the Redis connection.
 *
 * @param reachable whether Redis answered
 * @param latency how long the answer took, when it came
 * @param memory the server's memory settings, when it answered
 * @param error why Redis could not be reached, when it could not
 */
public record RedisConnectionState(boolean reachable, Duration latency, RedisMemory memory, String error) {

	static RedisConnectionState up(Duration latency, RedisMemory memory) {
		return new RedisConnectionState(true, latency, memory, null);
	}

	static RedisConnectionState down(String error) {
		return new RedisConnectionState(false, null, null, error);
	}

	/**
	 * A short status word for endpoints: {@code UP} or {@code DOWN}.
	 * @return the status
	 */
	public String status() {
		return this.reachable ? "UP" : "DOWN";
	}

}
