package dev.scalability.cache;

import java.time.Clock;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.scalability.backend.BackendStatus;

import org.springframework.cache.Cache;
import org.springframework.cache.support.AbstractCacheManager;

/**
 * The caches of the application, each on two levels ({@link TwoLevelCache}): those
 * configured by name, and any other a {@code @Cacheable} names, with the defaults.
 */
public class TwoLevelCacheManager extends AbstractCacheManager implements BackendStatus {

	private final Map<String, CacheSpec> configured;

	private final Function<String, CacheSpec> defaults;

	private final RemoteCacheStore remote;

	private final CacheValueCodec codec;

	private final CacheObserver observer;

	private final Ticker ticker;

	private final Clock clock;

	/**
	 * Creates a manager.
	 * @param configured the caches configured by name
	 * @param defaults the spec of a cache not configured, by its name
	 * @param remote the shared store, or {@code null} for memory only
	 * @param codec writes values for the shared store
	 * @param observer hears what the caches do
	 * @param ticker the time of the memory's expiry
	 */
	public TwoLevelCacheManager(Collection<CacheSpec> configured, Function<String, CacheSpec> defaults,
			RemoteCacheStore remote, CacheValueCodec codec, CacheObserver observer, Ticker ticker) {
		this(configured, defaults, remote, codec, observer, ticker, Clock.systemUTC());
	}

	/**
	 * Creates a manager.
	 * @param configured the caches configured by name
	 * @param defaults the spec of a cache not configured, by its name
	 * @param remote the shared store, or {@code null} for memory only
	 * @param codec writes values for the shared store
	 * @param observer hears what the caches do
	 * @param ticker the time of the memory's expiry and of loads
	 * @param clock the time entries expire by, the same on every instance
	 */
	public TwoLevelCacheManager(Collection<CacheSpec> configured, Function<String, CacheSpec> defaults,
			RemoteCacheStore remote, CacheValueCodec codec, CacheObserver observer, Ticker ticker, Clock clock) {
		this.configured = configured.stream()
			.collect(java.util.stream.Collectors.toMap(CacheSpec::name, (spec) -> spec, (a, b) -> b,
					java.util.LinkedHashMap::new));
		this.defaults = defaults;
		this.remote = remote;
		this.codec = codec;
		this.observer = observer;
		this.ticker = ticker;
		this.clock = clock;
	}

	@Override
	protected Collection<? extends Cache> loadCaches() {
		return this.configured.values().stream().map(this::create).toList();
	}

	@Override
	protected Cache getMissingCache(String name) {
		return create(this.defaults.apply(name));
	}

	/**
	 * Drops an entry from this instance's memory, after another instance changed it.
	 * @param cache the cache
	 * @param key the entry's key, as the shared store knows it
	 */
	public void dropLocal(String cache, String key) {
		if (getCacheNames().contains(cache) && getCache(cache) instanceof TwoLevelCache twoLevel) {
			twoLevel.dropLocal(key);
		}
	}

	/**
	 * Drops every entry of a cache from this instance's memory.
	 * @param cache the cache
	 */
	public void dropAllLocal(String cache) {
		if (getCacheNames().contains(cache) && getCache(cache) instanceof TwoLevelCache twoLevel) {
			twoLevel.dropAllLocal();
		}
	}

	/**
	 * Drops every entry of every cache from this instance's memory: invalidations may have
	 * been missed (a reconnect to the shared store).
	 */
	public void dropAllLocal() {
		caches().forEach(TwoLevelCache::dropAllLocal);
	}

	/**
	 * The caches made so far.
	 * @return them
	 */
	public List<TwoLevelCache> caches() {
		return getCacheNames().stream()
			.map(this::getCache)
			.filter(TwoLevelCache.class::isInstance)
			.map(TwoLevelCache.class::cast)
			.toList();
	}

	@Override
	public String backend() {
		return (this.remote != null) ? "redis" : "memory";
	}

	@Override
	public boolean degraded() {
		return this.remote != null && this.remote.degraded();
	}

	@Override
	public Map<String, Object> details() {
		Map<String, Object> details = new LinkedHashMap<>();
		if (this.remote != null) {
			details.putAll(this.remote.details());
		}
		Map<String, Object> caches = new LinkedHashMap<>();
		for (TwoLevelCache cache : caches()) {
			Map<String, Object> described = new LinkedHashMap<>();
			described.put("ttl", cache.spec().ttl().toString());
			described.put("localTtl", cache.spec().localTtl().toString());
			described.put("localMaxSize", cache.spec().localMaxSize());
			described.put("localSize", cache.localSize());
			described.put("earlyRefresh", cache.spec().earlyRefresh());
			caches.put(cache.getName(), described);
		}
		details.put("caches", caches);
		return details;
	}

	private TwoLevelCache create(CacheSpec spec) {
		TwoLevelCache cache = new TwoLevelCache(spec, this.remote, this.codec, this.observer, this.ticker,
				this.clock);
		this.observer.cacheCreated(spec.name(), cache::localSize);
		return cache;
	}

}
