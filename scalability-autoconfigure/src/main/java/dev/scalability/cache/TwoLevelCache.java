package dev.scalability.cache;

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
	private final Cache<String, Object> local;

	private final RemoteCacheStore remote;

	/**
	 * Whether entries are kept in memory at all: a cache of local size 0 reads Redis every
	 * time (for entries no instance may serve stale).
	 */
	private final boolean keepsLocal;

	private final CacheValueCodec codec;

	private final CacheObserver observer;

	/**
	 * The loads under way, by key: one per key at a time.
	 */
	private final ConcurrentHashMap<String, Load> loads = new ConcurrentHashMap<>();

	private volatile boolean unreadableLogged;

	/**
	 * Bumped, by stripe of keys, whenever this instance's copies must go (a change here or
	 * elsewhere): a read from Redis that began before a bump keeps nothing, since what it
	 * read may be what the change replaced.
	 */
	private final AtomicLongArray stamps = new AtomicLongArray(STRIPES);

	private volatile boolean unwritableLogged;

	/**
	 * Creates a cache.
	 * @param spec its size and lifetimes
	 * @param remote the shared store, or {@code null} for memory only
	 * @param codec writes values for the shared store
	 * @param observer hears what the cache does
	 * @param ticker the time of the memory's expiry, {@link Ticker#systemTicker()} but in
	 * tests
	 */
	public TwoLevelCache(CacheSpec spec, RemoteCacheStore remote, CacheValueCodec codec, CacheObserver observer,
			Ticker ticker) {
		super(true);
		this.spec = spec;
		this.remote = remote;
		this.codec = codec;
		this.observer = observer;
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
		if (this.keepsLocal) {
			Object stored = this.local.getIfPresent(text);
			if (stored != null) {
				this.observer.hit(getName(), CacheLevel.LOCAL);
				return stored;
			}
			this.observer.miss(getName(), CacheLevel.LOCAL);
		}
		if (this.remote == null) {
			return null;
		}
		int stripe = stripe(text);
		long stamp = this.stamps.get(stripe);
		byte[] bytes = this.remote.get(getName(), text);
		if (bytes == null) {
			this.observer.miss(getName(), CacheLevel.REMOTE);
			return null;
		}
		Object value;
		try {
			value = toStoreValue(this.codec.read(bytes));
		}
		catch (IllegalArgumentException ex) {
			// Another version's format, or a class this instance does not trust: a miss.
			if (!this.unreadableLogged) {
				this.unreadableLogged = true;
				logger.warn("An entry of cache '" + getName() + "' in the shared store cannot be read, and counts as a "
						+ "miss: " + ex.getMessage());
			}
			this.observer.miss(getName(), CacheLevel.REMOTE);
			return null;
		}
		this.observer.hit(getName(), CacheLevel.REMOTE);
		if (this.keepsLocal) {
			// Atomic with the removal of an invalidation: either this sees its bump and keeps
			// nothing, or the removal comes after and takes this copy away.
			this.local.asMap().compute(text, (ignored, current) -> (this.stamps.get(stripe) == stamp) ? value : current);
		}
		return value;
	}

	@Override
	@SuppressWarnings("unchecked")
	public <T> T get(Object key, Callable<T> valueLoader) {
		ValueWrapper cached = get(key);
		if (cached != null) {
			return (T) cached.get();
		}
		String text = keyOf(key);
		Load load = new Load(Thread.currentThread());
		Load running = this.loads.putIfAbsent(text, load);
		if (running != null) {
			return (T) fromStoreValue(awaitLoad(key, valueLoader, running));
		}
		try {
			// Looked again in memory: a load that just ended may have kept it.
			Object stored = this.keepsLocal ? this.local.getIfPresent(text) : null;
			if (stored != null) {
				load.value().complete(stored);
				return (T) fromStoreValue(stored);
			}
			long start = System.nanoTime();
			T value;
			try {
				value = valueLoader.call();
			}
			catch (Exception ex) {
				this.observer.loaded(getName(), System.nanoTime() - start, false);
				load.value().completeExceptionally(ex);
				throw new ValueRetrievalException(key, valueLoader, ex);
			}
			this.observer.loaded(getName(), System.nanoTime() - start, true);
			put(key, value);
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

	@Override
	public CompletableFuture<?> retrieve(Object key) {
		Object stored = lookup(key);
		return (stored != null) ? CompletableFuture.completedFuture(fromStoreValue(stored)) : null;
	}

	@Override
	@SuppressWarnings("unchecked")
	public <T> CompletableFuture<T> retrieve(Object key, Supplier<CompletableFuture<T>> valueLoader) {
		Object stored = lookup(key);
		if (stored != null) {
			return CompletableFuture.completedFuture((T) fromStoreValue(stored));
		}
		return valueLoader.get().thenApply((value) -> {
			put(key, value);
			return value;
		});
	}

	@Override
	public void put(Object key, Object value) {
		Object stored = toStoreValue(value);
		String text = keyOf(key);
		if (this.remote != null) {
			byte[] bytes = null;
			try {
				bytes = this.codec.write(fromStoreValue(stored));
			}
			catch (IllegalArgumentException ex) {
				// The caller keeps its value: only the other instances miss it.
				this.observer.remoteFailed(getName(), "unwritable");
				if (!this.unwritableLogged) {
					this.unwritableLogged = true;
					logger.warn("A value of cache '" + getName() + "' cannot be written for Redis, and is kept in this "
							+ "instance's memory only: " + ex.getMessage());
				}
			}
			if (bytes != null && this.remote.put(getName(), text, bytes, this.spec.ttl())) {
				this.observer.put(getName(), CacheLevel.REMOTE);
			}
		}
		this.stamps.incrementAndGet(stripe(text));
		if (this.keepsLocal) {
			this.local.put(text, stored);
			this.observer.put(getName(), CacheLevel.LOCAL);
		}
	}

	@Override
	public void evict(Object key) {
		String text = keyOf(key);
		if (this.remote != null && this.remote.evict(getName(), text)) {
			this.observer.evicted(getName(), CacheLevel.REMOTE);
		}
		this.stamps.incrementAndGet(stripe(text));
		this.local.invalidate(text);
		this.observer.evicted(getName(), CacheLevel.LOCAL);
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
