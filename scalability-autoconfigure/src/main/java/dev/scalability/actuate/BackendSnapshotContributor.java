package dev.scalability.actuate;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.scalability.redis.RedisConnectionProbe;
import dev.scalability.redis.RedisConnectionState;

/**
 * The {@code backend} section: the default backend and, when a feature keeps its state in
 * Redis, whether Redis answers. On the memory backend nothing probes a Redis, so there is
 * no Redis section.
 */
public class BackendSnapshotContributor implements ScalabilitySnapshotContributor {

	private final String defaultBackend;

	private final RedisConnectionProbe redisProbe;

	/**
	 * Creates the section.
	 * @param defaultBackend the backend of {@code scalability.backend}
	 * @param redisProbe checks Redis; {@code null} when no feature uses it
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
		if (this.redisProbe != null) {
			section.put("redis", redis());
		}
		return section;
	}

	private Map<String, Object> redis() {
		Map<String, Object> redis = new LinkedHashMap<>();
		RedisConnectionState state = this.redisProbe.probe();
		redis.put("status", state.status());
		if (state.reachable()) {
			redis.put("latencyMs", state.latency().toNanos() / 1_000_000.0);
			if (state.memory() != null) {
				redis.put("maxmemoryPolicy", state.memory().policy());
			}
		}
		else {
			redis.put("error", state.error());
		}
		return redis;
	}

}
