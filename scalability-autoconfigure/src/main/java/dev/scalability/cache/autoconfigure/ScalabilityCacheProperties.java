package dev.scalability.cache.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.scalability.autoconfigure.Backend;
import dev.scalability.autoconfigure.FeatureRedisProperties;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;
import org.springframework.util.unit.DataSize;

/**
 * The two-level cache: Caffeine in every instance, Redis shared by all of them.
 */
@ConfigurationProperties("scalability.cache")
public class ScalabilityCacheProperties {

	/**
	 * Whether the cache manager is on. It backs off when the application defines a
	 * CacheManager of its own or sets spring.cache.type.
	 */
	private boolean enabled = true;

	/**
	 * Where entries are kept: 'memory' (Caffeine only, in each instance) or 'redis'
	 * (Caffeine in front of Redis, shared by every instance); scalability.backend when not
	 * set.
	 */
	private Backend backend;

	/**
	 * How long an entry lives in Redis, for a cache without a ttl of its own.
	 */
	private Duration defaultTtl = Duration.ofHours(1);

	private final Local local = new Local();

	/**
	 * Whether a read may reload an entry a little before it expires (probabilistic early
	 * expiration), so that a hot entry's readers do not all miss it at once. The nearer its
	 * expiry and the slower its load, the likelier a read reloads it.
	 */
	private boolean earlyRefresh = true;

	/**
	 * Values whose JSON is larger than this are compressed (LZ4) in Redis.
	 */
	private DataSize compressionThreshold = DataSize.ofKilobytes(1);

	/**
	 * Caches by name, with their own lifetimes and sizes.
	 */
	private Map<String, Cache> caches = new LinkedHashMap<>();

	/**
	 * Packages whose classes may be read back from Redis, besides the application's own.
	 */
	private List<String> trustedPackages = new ArrayList<>();

	@NestedConfigurationProperty
	private final FeatureRedisProperties redis = new FeatureRedisProperties();

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

	public Duration getDefaultTtl() {
		return this.defaultTtl;
	}

	public void setDefaultTtl(Duration defaultTtl) {
		this.defaultTtl = defaultTtl;
	}

	public boolean isEarlyRefresh() {
		return this.earlyRefresh;
	}

	public void setEarlyRefresh(boolean earlyRefresh) {
		this.earlyRefresh = earlyRefresh;
	}

	public Local getLocal() {
		return this.local;
	}

	public DataSize getCompressionThreshold() {
		return this.compressionThreshold;
	}

	public void setCompressionThreshold(DataSize compressionThreshold) {
		this.compressionThreshold = compressionThreshold;
	}

	public Map<String, Cache> getCaches() {
		return this.caches;
	}

	public void setCaches(Map<String, Cache> caches) {
		this.caches = caches;
	}

	public List<String> getTrustedPackages() {
		return this.trustedPackages;
	}

	public void setTrustedPackages(List<String> trustedPackages) {
		this.trustedPackages = trustedPackages;
	}

	public FeatureRedisProperties getRedis() {
		return this.redis;
	}

	public static class Local {

		/**
		 * Entries each cache keeps in each instance's memory, at most.
		 */
		private long maxSize = 10_000;

		/**
		 * How long an entry lives in an instance's memory; never longer than its ttl in
		 * Redis. It bounds how long a copy outlives a change whose invalidation was missed.
		 */
		private Duration ttl = Duration.ofMinutes(1);

		public long getMaxSize() {
			return this.maxSize;
		}

		public void setMaxSize(long maxSize) {
			this.maxSize = maxSize;
		}

		public Duration getTtl() {
			return this.ttl;
		}

		public void setTtl(Duration ttl) {
			this.ttl = ttl;
		}

	}

	public static class Cache {

		/**
		 * How long an entry of this cache lives in Redis; default-ttl when not set.
		 */
		private Duration ttl;

		/**
		 * Entries of this cache kept in each instance's memory, at most; local.max-size
		 * when not set.
		 */
		private Long localMaxSize;

		/**
		 * How long an entry of this cache lives in an instance's memory; local.ttl when not
		 * set, and never longer than its ttl.
		 */
		private Duration localTtl;

		/**
		 * Whether a read may reload an entry of this cache a little before it expires;
		 * early-refresh when not set.
		 */
		private Boolean earlyRefresh;

		public Boolean getEarlyRefresh() {
			return this.earlyRefresh;
		}

		public void setEarlyRefresh(Boolean earlyRefresh) {
			this.earlyRefresh = earlyRefresh;
		}

		public Duration getTtl() {
			return this.ttl;
		}

		public void setTtl(Duration ttl) {
			this.ttl = ttl;
		}

		public Long getLocalMaxSize() {
			return this.localMaxSize;
		}

		public void setLocalMaxSize(Long localMaxSize) {
			this.localMaxSize = localMaxSize;
		}

		public Duration getLocalTtl() {
			return this.localTtl;
		}

		public void setLocalTtl(Duration localTtl) {
			this.localTtl = localTtl;
		}

	}

}
