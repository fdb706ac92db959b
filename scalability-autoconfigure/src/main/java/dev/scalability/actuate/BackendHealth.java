package dev.scalability.actuate;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.scalability.backend.BackendStatus;
import dev.scalability.redis.RedisConnectionProbe;
import dev.scalability.redis.RedisConnectionState;
import dev.scalability.redis.RedisMemory;

import org.springframework.boot.health.contributor.Health;

/**
 * Health of a feature's backend, the same way for every feature. In memory: up. On Redis:
 * up while Redis answers and the feature uses it; {@code degraded: true} while it serves
 * without it (Redis unreachable, its breaker open, or out of memory), which keeps the
 * instance up and ready: Redis is shared by every instance, so taking one out of rotation
 * for it would take them all out, and a restart would not bring Redis back. Down only for
 * a feature that cannot serve at all without Redis (none of rate limiting's fail-modes:
 * with {@code closed} only the limited routes answer 503). Details name Redis's state, its
 * latency and its eviction policy. Health never waits long for Redis: see
 * {@link RedisConnectionProbe}.
 */
public final class BackendHealth {

	private BackendHealth() {
	}

	/**
	 * Reports a backend.
	 * @param builder the health to build
	 * @param status the backend
	 * @param probe checks Redis; {@code null} when the application has no Redis
	 */
	public static void report(Health.Builder builder, BackendStatus status, RedisConnectionProbe probe) {
		builder.withDetail("backend", status.backend());
		builder.withDetails(status.details());
		if (!status.usesRedis() || probe == null) {
			builder.up();
			if (status.degraded()) {
				builder.withDetail("degraded", true);
			}
			return;
		}
		RedisConnectionState state = probe.probe();
		builder.withDetail("redis", redis(state));
		if (state.reachable() && !status.degraded()) {
			builder.up();
			return;
		}
		if (!state.reachable() && status.downWithoutBackend()) {
			builder.down();
			return;
		}
		builder.up().withDetail("degraded", true);
	}

	private static Map<String, Object> redis(RedisConnectionState state) {
		Map<String, Object> redis = new LinkedHashMap<>();
		redis.put("status", state.status());
		if (state.stale()) {
			redis.put("stale", true);
		}
		if (!state.reachable()) {
			redis.put("error", state.error());
			return redis;
		}
		redis.put("latencyMs", state.latency().toNanos() / 1_000_000.0);
		RedisMemory memory = state.memory();
		if (memory != null) {
			redis.put("maxmemoryPolicy", memory.policy());
			if (memory.maxBytes() > 0) {
				redis.put("memoryUsed", (double) memory.usedBytes() / memory.maxBytes());
			}
		}
		return redis;
	}

}
