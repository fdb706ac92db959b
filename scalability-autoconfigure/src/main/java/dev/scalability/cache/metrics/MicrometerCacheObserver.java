package dev.scalability.cache.metrics;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import dev.scalability.cache.CacheLevel;
import dev.scalability.cache.CacheObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The caches' meters, after Micrometer's cache conventions with a {@code level} tag
 * ({@code local}, {@code remote}): {@code cache.gets{cache,level,result=hit|miss}},
 * {@code cache.puts{cache,level}}, {@code cache.evictions{cache,level}},
 * {@code cache.size{cache,level=local}}; and {@code scalability.cache.load{cache,result}}
 * (loader calls and their time), {@code scalability.cache.remote.errors{cache,reason}}.
 */
public class MicrometerCacheObserver implements CacheObserver {

	private final MeterRegistry registry;

	private final Map<String, Counter> counters = new ConcurrentHashMap<>();

	private final Map<String, Timer> loads = new ConcurrentHashMap<>();

	public MicrometerCacheObserver(MeterRegistry registry) {
		this.registry = registry;
	}

	@Override
	public void cacheCreated(String cache, LongSupplier localSize) {
		Gauge.builder("cache.size", localSize, LongSupplier::getAsLong)
			.description("Entries in this instance's memory, about")
			.tag("cache", cache)
			.tag("level", "local")
			.strongReference(true)
			.register(this.registry);
	}

	@Override
	public void hit(String cache, CacheLevel level) {
		gets(cache, level, "hit").increment();
	}

	@Override
	public void miss(String cache, CacheLevel level) {
		gets(cache, level, "miss").increment();
	}

	@Override
	public void put(String cache, CacheLevel level) {
		counter("cache.puts", "Entries written", cache, level, null).increment();
	}

	@Override
	public void evicted(String cache, CacheLevel level) {
		counter("cache.evictions", "Entries removed", cache, level, null).increment();
	}

	@Override
	public void loaded(String cache, long nanos, boolean succeeded) {
		String result = succeeded ? "success" : "failure";
		this.loads.computeIfAbsent(cache + '\n' + result, (key) -> Timer.builder("scalability.cache.load")
			.description("Loader calls on a miss, and their time")
			.tag("cache", cache)
			.tag("result", result)
			.register(this.registry)).record(nanos, TimeUnit.NANOSECONDS);
	}

	@Override
	public void invalidationSent(String cache) {
		invalidations(cache, "sent").increment();
	}

	@Override
	public void invalidationReceived(String cache) {
		invalidations(cache, "received").increment();
	}

	private Counter invalidations(String cache, String direction) {
		return this.counters.computeIfAbsent("invalidations\n" + cache + '\n' + direction,
				(key) -> Counter.builder("scalability.cache.invalidations")
					.description("Changes told to the other instances, and heard from them")
					.tag("cache", cache)
					.tag("direction", direction)
					.register(this.registry));
	}

	@Override
	public void remoteFailed(String cache, String reason) {
		this.counters.computeIfAbsent("errors\n" + cache + '\n' + reason,
				(key) -> Counter.builder("scalability.cache.remote.errors")
					.description("Calls to Redis that failed, answered from memory and the loader")
					.tag("cache", cache)
					.tag("reason", reason)
					.register(this.registry))
			.increment();
	}

	private Counter gets(String cache, CacheLevel level, String result) {
		return counter("cache.gets", "Lookups, by where and whether the entry was found", cache, level, result);
	}

	private Counter counter(String name, String description, String cache, CacheLevel level, String result) {
		String key = name + '\n' + cache + '\n' + level + '\n' + result;
		Counter counter = this.counters.get(key);
		if (counter != null) {
			return counter;
		}
		return this.counters.computeIfAbsent(key, (ignored) -> {
			Counter.Builder builder = Counter.builder(name)
				.description(description)
				.tag("cache", cache)
				.tag("level", level.name().toLowerCase());
			if (result != null) {
				builder.tag("result", result);
			}
			return builder.register(this.registry);
		});
	}

}
