package dev.scalability.cache.actuate;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.scalability.actuate.ScalabilitySnapshotContributor;
import dev.scalability.cache.TwoLevelCacheManager;

/**
 * The cache's part of {@code /actuator/scalability}: its backend, its caches and their
 * sizes in this instance's memory.
 */
public class CacheSnapshotContributor implements ScalabilitySnapshotContributor {

	private final TwoLevelCacheManager caches;

	public CacheSnapshotContributor(TwoLevelCacheManager caches) {
		this.caches = caches;
	}

	@Override
	public String name() {
		return "cache";
	}

	@Override
	public Object snapshot() {
		Map<String, Object> snapshot = new LinkedHashMap<>();
		snapshot.put("backend", this.caches.backend());
		if (this.caches.degraded()) {
			snapshot.put("degraded", true);
		}
		snapshot.putAll(this.caches.details());
		return snapshot;
	}

}
