package dev.scalability.cache.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import dev.scalability.autoconfigure.InvalidPropertyException;
import dev.scalability.cache.CacheSpec;

/**
 * Each cache's spec from the properties, every value checked with a message that names its
 * property.
 */
final class CacheSpecsBuilder {

	static final String PREFIX = "scalability.cache";

	private final ScalabilityCacheProperties properties;

	CacheSpecsBuilder(ScalabilityCacheProperties properties) {
		this.properties = properties;
	}

	/**
	 * The caches configured by name.
	 * @return their specs
	 */
	List<CacheSpec> configured() {
		defaults().apply("-");
		List<CacheSpec> specs = new ArrayList<>();
		this.properties.getCaches().forEach((name, cache) -> {
			String property = PREFIX + ".caches." + name;
			Duration ttl = (cache.getTtl() != null) ? cache.getTtl() : this.properties.getDefaultTtl();
			positive(property + ".ttl", cache.getTtl(), "10m");
			long size = (cache.getLocalMaxSize() != null) ? cache.getLocalMaxSize()
					: this.properties.getLocal().getMaxSize();
			if (size < 0) {
				throw new InvalidPropertyException(property + ".local-max-size", size, "must not be negative",
						"such as 1000, or 0 to keep nothing in memory.");
			}
			positive(property + ".local-ttl", cache.getLocalTtl(), "1m");
			Duration localTtl = (cache.getLocalTtl() != null) ? cache.getLocalTtl()
					: this.properties.getLocal().getTtl();
			boolean earlyRefresh = (cache.getEarlyRefresh() != null) ? cache.getEarlyRefresh()
					: this.properties.isEarlyRefresh();
			specs.add(new CacheSpec(name, ttl, size, localTtl, earlyRefresh));
		});
		return specs;
	}

	/**
	 * The spec of a cache no property names.
	 * @return the spec, by the cache's name
	 */
	Function<String, CacheSpec> defaults() {
		Duration ttl = this.properties.getDefaultTtl();
		if (ttl == null || ttl.isNegative() || ttl.isZero()) {
			throw new InvalidPropertyException(PREFIX + ".default-ttl", ttl, "must be positive", "such as 1h.");
		}
		long size = this.properties.getLocal().getMaxSize();
		if (size < 0) {
			throw new InvalidPropertyException(PREFIX + ".local.max-size", size, "must not be negative",
					"such as 10000, or 0 to keep nothing in memory.");
		}
		Duration localTtl = this.properties.getLocal().getTtl();
		if (localTtl == null || localTtl.isNegative() || localTtl.isZero()) {
			throw new InvalidPropertyException(PREFIX + ".local.ttl", localTtl, "must be positive", "1m");
		}
		boolean earlyRefresh = this.properties.isEarlyRefresh();
		return (name) -> new CacheSpec(name, ttl, size, localTtl, earlyRefresh);
	}

	/**
	 * Refuses a duration that is set and not positive: unset, the default applies.
	 */
	private static void positive(String property, Duration value, String example) {
		if (value != null) {
			InvalidPropertyException.requirePositive(property, value, example);
		}
	}

}
