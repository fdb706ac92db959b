package dev.scalability.actuate;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.scalability.redis.RedisConnectionProbe;
import dev.scalability.redis.RedisConnectionState;

/**
 * The {@code backend} section: the default backend and, when the application has a Redis
 * connection, whether Redis answers.
 */
public class BackendSnapshotContributor implements ScalabilitySnapshotContributor {

	private final String defaultBackend;

	private final RedisConnectionProbe redisProbe;

	/**
	 * Creates the section.
	 * @param defaultBackend the backend of {@code scalability.backend}
	 * @param redisProbe checks Redis; {@code null} when the application has no Redis
	 * connection
	 */
	public BackendSnapshotContributor(String defaultBackend, RedisConnectionProbe redisProbe) {
		this.defaultBackend = defaultBackend;
		this.redisProbe = redisProbe;
	}

	@Override
	public String name() {
		return "backend";
	}

	@Override
	public Object snapshot() {
		Map<String, Object> section = new LinkedHashMap<>();
		section.put("default", this.defaultBackend);
		section.put("redis", redis());
		return section;
	}

	private Map<String, Object> redis() {
		Map<String, Object> redis = new LinkedHashMap<>();
		if (this.redisProbe == null) {
			redis.put("status", "NOT_CONFIGURED");
			return redis;
		}
		RedisConnectionState state = this.redisProbe.probe();
		redis.put("status", state.status());
		if (state.reachable()) {
			redis.put("latencyMs", state.latency().toNanos() / 1_000_000.0);
		}
		else {
			redis.put("error", state.error());
		}
		return redis;
	}

}
