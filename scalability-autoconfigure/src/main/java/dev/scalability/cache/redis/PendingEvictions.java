package dev.scalability.cache.redis;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The entries whose write or eviction Redis did not take, to evict there once it answers:
 * until then, the other instances may read the value this one replaced. Bounded: past
 * its size, a cache is remembered whole, and cleared once Redis answers.
 */
final class PendingEvictions {

	private final int capacity;

	private final ReentrantLock lock = new ReentrantLock();

	private final Set<Entry> entries = new LinkedHashSet<>();

	private final Set<String> wholeCaches = new LinkedHashSet<>();

	PendingEvictions(int capacity) {
		this.capacity = capacity;
	}

	void add(String cache, String key) {
		this.lock.lock();
		try {
			if (this.wholeCaches.contains(cache)) {
				return;
			}
			if (this.entries.size() < this.capacity) {
				this.entries.add(new Entry(cache, key));
			}
			else {
				this.wholeCaches.add(cache);
				this.entries.removeIf((entry) -> entry.cache().equals(cache));
			}
		}
		finally {
			this.lock.unlock();
		}
	}

	void addCache(String cache) {
		this.lock.lock();
		try {
			this.wholeCaches.add(cache);
			this.entries.removeIf((entry) -> entry.cache().equals(cache));
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Takes up to {@code count} entries out, oldest first.
	 */
	List<Entry> takeEntries(int count) {
		this.lock.lock();
		try {
			List<Entry> taken = new ArrayList<>(Math.min(count, this.entries.size()));
			Iterator<Entry> iterator = this.entries.iterator();
			while (iterator.hasNext() && taken.size() < count) {
				taken.add(iterator.next());
				iterator.remove();
			}
			return taken;
		}
		finally {
			this.lock.unlock();
		}
	}

	List<String> takeCaches() {
		this.lock.lock();
		try {
			List<String> taken = new ArrayList<>(this.wholeCaches);
			this.wholeCaches.clear();
			return taken;
		}
		finally {
			this.lock.unlock();
		}
	}

	int size() {
		this.lock.lock();
		try {
			return this.entries.size() + this.wholeCaches.size();
		}
		finally {
			this.lock.unlock();
		}
	}

	record Entry(String cache, String key) {
	}

}
