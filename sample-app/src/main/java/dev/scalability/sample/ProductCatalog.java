package dev.scalability.sample;

import java.math.BigDecimal;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.springframework.cache.annotation.CachePut;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.stereotype.Service;

/**
 * A catalog as slow as a database, cached in {@code products}: reads go through the
 * two-level cache, and an update writes the new product to it, on every instance.
 */
@Service
class ProductCatalog {

	private final Map<Long, Product> stored = new ConcurrentHashMap<>();

	private final AtomicLong loads = new AtomicLong();

	@Cacheable("products")
	public Product product(long id) throws InterruptedException {
		this.loads.incrementAndGet();
		// The database's round trip, which the cache spares.
		Thread.sleep(20);
		return this.stored.computeIfAbsent(id,
				(key) -> new Product(key, "Product " + key, BigDecimal.valueOf(10 + key % 90)));
	}

	@CachePut(cacheNames = "products", key = "#id")
	public Product update(long id, Product changes) {
		Product updated = new Product(id, changes.name(), changes.price());
		this.stored.put(id, updated);
		return updated;
	}

	/**
	 * Loads from the "database" on this instance so far.
	 */
	public long loads() {
		return this.loads.get();
	}

	record Product(long id, String name, BigDecimal price) {

	}

}
