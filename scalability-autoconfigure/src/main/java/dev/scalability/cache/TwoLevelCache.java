package dev.scalability.cache;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.cache.support.AbstractValueAdaptingCache;

/**
 * One cache on two levels: this instance's memory (Caffeine) in front of the store every
 * instance shares, when there is one. A read looks in memory, then in the store, and
 * keeps what the store had in memory; a write goes to the store first, which tells the
 * other instances to drop their copy, then to memory. Concurrent misses of one key on
 * this instance run its loader once: the others wait for that load.
 */
public class TwoLevelCache extends AbstractValueAdaptingCache {

	private static final Log logger = LogFactory.getLog(TwoLevelCache.class);

	private static final int STRIPES = 64;

	/**
	 * How long an eviction's tombstone stays in the shared store: a load elsewhere that
	 * began before the eviction and ends within this cannot write back what it read.
	 */
	static final Duration TOMBSTONE_TTL = Duration.ofSeconds(10);

	/**
	 * Whether a class has a {@code toString} of its own, asked once per class.
	 */
	private static final ClassValue<Boolean> OWN_TO_STRING = new ClassValue<>() {

		@Override
		protected Boolean computeValue(Class<?> type) {
			return overridesToString(type);
		}

	};

	private final CacheSpec spec;

	/**
	 * This instance's copies, by the key's text: what invalidations name.
	 */
	private final Cache<String, CachedEntry> local;

	private final RemoteCacheStore remote;

	/**
	 * Whether entries are kept in memory at all: a cache of local size 0 reads Redis every
	 * time (for entries no instance may serve stale).
	 */
	private final boolean keepsLocal;

	private final CacheValueCodec codec;

	private final CacheObserver observer;

	private final Ticker ticker;

	private final Clock clock;

	/**
	 * When a read reloads an entry before it expires, or {@code null} for never.
	 */
	private final EarlyRefresh earlyRefresh;

	/**
	 * The loads under way, by key: one per key at a time.
	 */
	private final ConcurrentHashMap<String, Load> loads = new ConcurrentHashMap<>();

	/**
	 * The asynchronous loads under way, by key: one per key at a time.
	 */
	private final ConcurrentHashMap<String, CompletableFuture<Object>> asyncLoads = new ConcurrentHashMap<>();

	private volatile boolean unreadableLogged;

	/**
	 * Bumped, by stripe of keys, whenever this instance's copies must go (a change here or
	 * elsewhere): a read or a load that began before a bump keeps nothing, since what it
	 * has may be what the change replaced.
	 */
	private final AtomicLongArray stamps = new AtomicLongArray(STRIPES);

	private volatile boolean unwritableLogged;

	/**
	 * Creates a cache.
	 * @param spec its size and lifetimes
	 * @param remote the shared store, or {@code null} for memory only
	 * @param codec writes values for the shared store
	 * @param observer hears what the cache does
	 * @param ticker the time of the memory's expiry and of loads, {@link Ticker#systemTicker()}
	 * but in tests
	 */
	public TwoLevelCache(CacheSpec spec, RemoteCacheStore remote, CacheValueCodec codec, CacheObserver observer,
			Ticker ticker) {
		this(spec, remote, codec, observer, ticker, Clock.systemUTC());
	}

	/**
	 * Creates a cache.
	 * @param spec its size and lifetimes
	 * @param remote the shared store, or {@code null} for memory only
	 * @param codec writes values for the shared store
	 * @param observer hears what the cache does
	 * @param ticker the time of the memory's expiry and of loads, {@link Ticker#systemTicker()}
	 * but in tests
	 * @param clock the time entries expire by, the same on every instance
	 */
	public TwoLevelCache(CacheSpec spec, RemoteCacheStore remote, CacheValueCodec codec, CacheObserver observer,
			Ticker ticker, Clock clock) {
		this(spec, remote, codec, observer, ticker, clock, spec.earlyRefresh() ? new EarlyRefresh() : null);
	}

	TwoLevelCache(CacheSpec spec, RemoteCacheStore remote, CacheValueCodec codec, CacheObserver observer,
			Ticker ticker, Clock clock, EarlyRefresh earlyRefresh) {
		super(true);
		this.spec = spec;
		this.remote = remote;
		this.codec = codec;
		this.observer = observer;
		this.ticker = ticker;
		this.clock = clock;
		this.earlyRefresh = earlyRefresh;
		this.keepsLocal = spec.localMaxSize() > 0;
		this.local = Caffeine.newBuilder()
			.maximumSize(spec.localMaxSize())
			.expireAfterWrite(spec.localTtl())
			.ticker(ticker)
			.build();
	}

	@Override
	public String getName() {
		return this.spec.name();
	}

	@Override
	public Object getNativeCache() {
		return this.local;
	}

	public CacheSpec spec() {
		return this.spec;
	}

	/**
	 * Entries in this instance's memory, about.
	 * @return how many
	 */
	public long localSize() {
		return this.local.estimatedSize();
	}

	@Override
	protected Object lookup(Object key) {
		String text = keyOf(key);
		CachedEntry inMemory = lookupLocal(text);
		if (inMemory != null) {
			return inMemory.stored();
		}
		CachedEntry shared = lookupRemote(text, this.stamps.get(stripe(text))).entry();
		return (shared != null) ? shared.stored() : null;
	}

	private CachedEntry lookupLocal(String text) {
		if (!this.keepsLocal) {
			return null;
		}
		CachedEntry stored = this.local.getIfPresent(text);
		if (stored != null) {
			this.observer.hit(getName(), CacheLevel.LOCAL);
		}
		else {
			this.observer.miss(getName(), CacheLevel.LOCAL);
		}
		return stored;
	}

	/**
	 * Looks in memory, then in the shared store.
	 */
	private Found find(String text, long stamp) {
		CachedEntry inMemory = lookupLocal(text);
		return (inMemory != null) ? new Found(inMemory, null) : lookupRemote(text, stamp);
	}

	/**
	 * Reads an entry from the shared store, and keeps it in memory unless a change of its
	 * key came in since {@code stamp}.
	 */
	private Found lookupRemote(String text, long stamp) {
		if (this.remote == null) {
			return Found.NOTHING_IN_MEMORY;
		}
		byte[] bytes = this.remote.get(getName(), text);
		if (bytes == RemoteCacheStore.UNANSWERED) {
			// Counted as the store's error; a load may write back only where nothing is.
			return Found.NOTHING;
		}
		if (bytes == null) {
			this.observer.miss(getName(), CacheLevel.REMOTE);
			return Found.NOTHING;
		}
		CacheEntryFormat.Header header;
		Object value;
		try {
			header = CacheEntryFormat.read(bytes);
			if (header.tombstone()) {
				this.observer.miss(getName(), CacheLevel.REMOTE);
				return new Found(null, CacheEntryFormat.version(header.version()));
			}
			value = this.codec.read(bytes, header.valueOffset());
		}
		catch (IllegalArgumentException ex) {
			// Another version's format, or a class this instance does not trust: a miss,
			// which a load may overwrite.
			if (!this.unreadableLogged) {
				this.unreadableLogged = true;
				logger.warn("An entry of cache '" + getName() + "' in the shared store cannot be read, and counts as a "
						+ "miss: " + ex.getMessage());
			}
			this.observer.miss(getName(), CacheLevel.REMOTE);
			return Found.UNREADABLE;
		}
		this.observer.hit(getName(), CacheLevel.REMOTE);
		CachedEntry entry = new CachedEntry(toStoreValue(value), header.version(), header.expiresAt(),
				header.loadMillis());
		keepIfUnchanged(text, stamp, entry);
		return new Found(entry, header.versioned() ? CacheEntryFormat.version(header.version()) : null);
	}

	/**
	 * Keeps an entry in memory, atomically with the removal an invalidation makes: either
	 * this sees the invalidation's bump and keeps nothing, or the removal comes after and
	 * takes this copy away.
	 */
	private boolean keepIfUnchanged(String text, long stamp, CachedEntry entry) {
		if (!this.keepsLocal) {
			return false;
		}
		int stripe = stripe(text);
		CachedEntry kept = this.local.asMap()
			.compute(text, (ignored, current) -> (this.stamps.get(stripe) == stamp) ? entry : current);
		return kept == entry;
	}

	@Override
	@SuppressWarnings("unchecked")
	public <T> T get(Object key, Callable<T> valueLoader) {
		String text = keyOf(key);
		long stamp = this.stamps.get(stripe(text));
		Found found = find(text, stamp);
		CachedEntry cached = found.entry();
		byte[] expected = found.expected();
		if (cached != null) {
			if (this.earlyRefresh != null && this.earlyRefresh.due(this.clock.millis(), cached.expiresAt(),
					cached.loadMillis())) {
				return refresh(key, text, cached, valueLoader, stamp);
			}
			return (T) fromStoreValue(cached.stored());
		}
		Load load = new Load(Thread.currentThread());
		Load running = this.loads.putIfAbsent(text, load);
		if (running != null) {
			return (T) fromStoreValue(awaitLoad(key, valueLoader, running));
		}
		try {
			// Looked again in memory: a load that just ended may have kept it.
			CachedEntry stored = this.keepsLocal ? this.local.getIfPresent(text) : null;
			if (stored != null) {
				load.value().complete(stored.stored());
				return (T) fromStoreValue(stored.stored());
			}
			long start = this.ticker.read();
			T value;
			try {
				value = valueLoader.call();
			}
			catch (Exception ex) {
				this.observer.loaded(getName(), this.ticker.read() - start, false);
				load.value().completeExceptionally(ex);
				throw new ValueRetrievalException(key, valueLoader, ex);
			}
			long took = this.ticker.read() - start;
			this.observer.loaded(getName(), took, true);
			keepLoaded(text, value, expected, stamp, took);
			load.value().complete(toStoreValue(value));
			return value;
		}
		catch (RuntimeException | Error ex) {
			load.value().completeExceptionally(ex);
			throw ex;
		}
		finally {
			this.loads.remove(text, load);
		}
	}

	/**
	 * Reloads an entry that is about to expire, unless a load of it is under way here: the
	 * entry is still good, so nobody waits for that load, and a reload that fails leaves it
	 * as it was.
	 */
	@SuppressWarnings("unchecked")
	private <T> T refresh(Object key, String text, CachedEntry cached, Callable<T> valueLoader, long stamp) {
		Load load = new Load(Thread.currentThread());
		if (this.loads.putIfAbsent(text, load) != null) {
			return (T) fromStoreValue(cached.stored());
		}
		try {
			long start = this.ticker.read();
			T value;
			try {
				value = valueLoader.call();
			}
			catch (Exception ex) {
				this.observer.loaded(getName(), this.ticker.read() - start, false);
				if (logger.isDebugEnabled()) {
					logger.debug("An early reload of key " + key + " of cache '" + getName()
							+ "' failed; the entry stays until it expires", ex);
				}
				load.value().complete(cached.stored());
				return (T) fromStoreValue(cached.stored());
			}
			long took = this.ticker.read() - start;
			this.observer.loaded(getName(), took, true);
			keepLoaded(text, value, (cached.version() != 0) ? CacheEntryFormat.version(cached.version()) : null,
					stamp, took, cached);
			load.value().complete(toStoreValue(value));
			return value;
		}
		catch (RuntimeException | Error ex) {
			load.value().completeExceptionally(ex);
			throw ex;
		}
		finally {
			this.loads.remove(text, load);
		}
	}

	/**
	 * Keeps what a load returned: in the shared store only if its entry is still the one
	 * the load began from, in memory only if no change of its key came in since.
	 * @param expected the version the load began from, {@code null} for any
	 */
	private void keepLoaded(String text, Object value, byte[] expected, long stamp, long loadNanos) {
		keepLoaded(text, value, expected, stamp, loadNanos, null);
	}

	/**
	 * @param replaced the copy in memory a reload began from, dropped when the shared
	 * store no longer has it (another instance changed it, or it expired there)
	 */
	private void keepLoaded(String text, Object value, byte[] expected, long stamp, long loadNanos,
			CachedEntry replaced) {
		CachedEntry entry = newEntry(toStoreValue(value), millis(loadNanos));
		if (this.remote != null) {
			byte[] bytes = writable(entry);
			if (bytes != null) {
				RemoteCacheStore.Outcome outcome;
				if (expected == null) {
					outcome = this.remote.put(getName(), text, bytes, this.spec.ttl()) ? RemoteCacheStore.Outcome.CHANGED
							: RemoteCacheStore.Outcome.FAILED;
				}
				else {
					outcome = this.remote.putIfUnchanged(getName(), text, bytes, this.spec.ttl(), expected);
				}
				if (outcome == RemoteCacheStore.Outcome.UNCHANGED) {
					// Another instance wrote or removed it meanwhile: what was loaded may be older.
					if (replaced != null) {
						this.local.asMap().remove(text, replaced);
					}
					return;
				}
				if (outcome == RemoteCacheStore.Outcome.CHANGED) {
					this.observer.put(getName(), CacheLevel.REMOTE);
				}
			}
		}
		if (keepIfUnchanged(text, stamp, entry)) {
			this.observer.put(getName(), CacheLevel.LOCAL);
		}
	}

	private CachedEntry newEntry(Object stored, int loadMillis) {
		Duration lifetime = (this.remote != null) ? this.spec.ttl() : this.spec.localTtl();
		return new CachedEntry(stored, CacheEntryFormat.newVersion(), this.clock.millis() + lifetime.toMillis(),
				loadMillis);
	}

	/**
	 * The bytes of an entry for the shared store, or {@code null} when its value cannot be
	 * written there: the caller keeps its value, only the other instances miss it.
	 */
	private byte[] writable(CachedEntry entry) {
		try {
			return CacheEntryFormat.entry(entry.version(), entry.expiresAt(), entry.loadMillis(),
					this.codec.write(fromStoreValue(entry.stored())));
		}
		catch (IllegalArgumentException ex) {
			this.observer.remoteFailed(getName(), "unwritable");
			if (!this.unwritableLogged) {
				this.unwritableLogged = true;
				logger.warn("A value of cache '" + getName() + "' cannot be written for Redis, and is kept in this "
						+ "instance's memory only: " + ex.getMessage());
			}
			return null;
		}
	}

	private static int millis(long nanos) {
		return (int) Math.min(Integer.MAX_VALUE, (nanos + 999_999) / 1_000_000);
	}

	private Object awaitLoad(Object key, Callable<?> valueLoader, Load running) {
		if (running.thread() == Thread.currentThread()) {
			// Waiting for its own load would wait forever.
			throw new IllegalStateException("A loader of cache '" + getName() + "' asked for its own key " + key
					+ " while loading it");
		}
		try {
			return running.value().get();
		}
		catch (ExecutionException ex) {
			throw new ValueRetrievalException(key, valueLoader, (ex.getCause() != null) ? ex.getCause() : ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new ValueRetrievalException(key, valueLoader, ex);
		}
	}

	/**
	 * A load under way: who loads, and what it will have loaded.
	 */
	private record Load(Thread thread, CompletableFuture<Object> value) {

		Load(Thread thread) {
			this(thread, new CompletableFuture<>());
		}

	}

	/**
	 * What a read of the shared store found.
	 *
	 * @param entry the entry, or {@code null} for none
	 * @param expected what a load must find there to write its value back: the version
	 * read, {@link CacheEntryFormat#NOTHING}, or {@code null} for anything
	 */
	private record Found(CachedEntry entry, byte[] expected) {

		static final Found NOTHING = new Found(null, CacheEntryFormat.NOTHING);

		static final Found NOTHING_IN_MEMORY = new Found(null, null);

		static final Found UNREADABLE = new Found(null, null);

	}

	@Override
	public CompletableFuture<?> retrieve(Object key) {
		Object stored = lookup(key);
		return (stored != null) ? CompletableFuture.completedFuture(toValueWrapper(stored)) : null;
	}

	/**
	 * Looks the key up, or loads it once per key at a time on this instance; what is loaded
	 * is kept as {@link #get(Object, Callable)} keeps it, only if no change of the key came
	 * in meanwhile, and written to the shared store on the thread that completes the load
	 * (a call bounded by the store's timeout).
	 */
	@Override
	@SuppressWarnings("unchecked")
	public <T> CompletableFuture<T> retrieve(Object key, Supplier<CompletableFuture<T>> valueLoader) {
		String text = keyOf(key);
		long stamp = this.stamps.get(stripe(text));
		Found found = find(text, stamp);
		CachedEntry cached = found.entry();
		byte[] expected = found.expected();
		if (cached != null) {
			return CompletableFuture.completedFuture((T) fromStoreValue(cached.stored()));
		}
		CompletableFuture<Object> mine = new CompletableFuture<>();
		CompletableFuture<Object> running = this.asyncLoads.putIfAbsent(text, mine);
		if (running != null) {
			return running.thenApply((stored) -> (T) fromStoreValue(stored));
		}
		byte[] expectedVersion = expected;
		long start = this.ticker.read();
		CompletableFuture<T> loading;
		try {
			loading = valueLoader.get();
		}
		catch (RuntimeException ex) {
			this.asyncLoads.remove(text, mine);
			mine.completeExceptionally(ex);
			throw ex;
		}
		loading.whenComplete((value, failure) -> {
			long took = this.ticker.read() - start;
			try {
				if (failure == null) {
					this.observer.loaded(getName(), took, true);
					keepLoaded(text, value, expectedVersion, stamp, took);
				}
				else {
					this.observer.loaded(getName(), took, false);
				}
			}
			finally {
				this.asyncLoads.remove(text, mine);
				if (failure != null) {
					mine.completeExceptionally(failure);
				}
				else {
					mine.complete(toStoreValue(value));
				}
			}
		});
		return mine.thenApply((stored) -> (T) fromStoreValue(stored));
	}

	@Override
	public void put(Object key, Object value) {
		String text = keyOf(key);
		CachedEntry previous = this.keepsLocal ? this.local.getIfPresent(text) : null;
		// A put says nothing of how long a load takes: the last load's time is kept.
		CachedEntry entry = newEntry(toStoreValue(value), (previous != null) ? previous.loadMillis() : 0);
		if (this.remote != null) {
			byte[] bytes = writable(entry);
			if (bytes != null && this.remote.put(getName(), text, bytes, this.spec.ttl())) {
				this.observer.put(getName(), CacheLevel.REMOTE);
			}
		}
		this.stamps.incrementAndGet(stripe(text));
		if (this.keepsLocal) {
			this.local.put(text, entry);
			this.observer.put(getName(), CacheLevel.LOCAL);
		}
	}

	@Override
	public void evict(Object key) {
		String text = keyOf(key);
		if (this.remote != null) {
			Duration tombstoneTtl = (this.spec.ttl().compareTo(TOMBSTONE_TTL) < 0) ? this.spec.ttl() : TOMBSTONE_TTL;
			if (this.remote.evict(getName(), text, CacheEntryFormat.newTombstone(),
					tombstoneTtl) == RemoteCacheStore.Outcome.CHANGED) {
				this.observer.evicted(getName(), CacheLevel.REMOTE);
			}
		}
		this.stamps.incrementAndGet(stripe(text));
		if (this.local.asMap().remove(text) != null) {
			this.observer.evicted(getName(), CacheLevel.LOCAL);
		}
	}

	@Override
	public void clear() {
		if (this.remote != null) {
			this.remote.clear(getName());
		}
		dropAllLocal();
	}

	/**
	 * Drops this instance's copy of an entry another instance changed.
	 * @param key the entry's key, as the shared store knows it
	 */
	public void dropLocal(String key) {
		this.stamps.incrementAndGet(stripe(key));
		this.local.invalidate(key);
	}

	/**
	 * Drops every entry of this instance's memory: another instance cleared the cache, or
	 * invalidations may have been missed.
	 */
	public void dropAllLocal() {
		for (int i = 0; i < STRIPES; i++) {
			this.stamps.incrementAndGet(i);
		}
		this.local.invalidateAll();
	}

	private static int stripe(String key) {
		return key.hashCode() & (STRIPES - 1);
	}

	/**
	 * The key as the shared store knows it: its text ({@code SimpleKey [a,b]} for several
	 * parameters), the same on every instance.
	 * @param key the key
	 * @return its text
	 */
	static String keyOf(Object key) {
		if (key instanceof String text) {
			return text;
		}
		if (key != null && !OWN_TO_STRING.get(key.getClass())) {
			throw new IllegalArgumentException("A cache key of " + key.getClass().getName()
					+ " has no toString of its own: its text would differ on every instance, and between two "
					+ "equal keys. Give it one, or use a key expression");
		}
		return String.valueOf(key);
	}

	private static boolean overridesToString(Class<?> type) {
		try {
			return type.getMethod("toString").getDeclaringClass() != Object.class;
		}
		catch (NoSuchMethodException ex) {
			return false;
		}
	}

}
