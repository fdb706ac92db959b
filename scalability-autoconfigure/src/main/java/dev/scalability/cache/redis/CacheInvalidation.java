package dev.scalability.cache.redis;

import java.nio.charset.StandardCharsets;

/**
 * What an instance tells the others when it changed the shared cache: an entry to drop,
 * or a whole cache to clear. Written as lines: the sender, the kind, the cache, the key
 * (last, since a key's text may hold anything).
 *
 * @param sender the instance that changed it, which ignores its own message
 * @param clear whether the whole cache was cleared
 * @param cache the cache
 * @param key the entry's key, {@code null} for a clear
 */
record CacheInvalidation(String sender, boolean clear, String cache, String key) {

	static CacheInvalidation entry(String sender, String cache, String key) {
		return new CacheInvalidation(sender, false, cache, key);
	}

	static CacheInvalidation clear(String sender, String cache) {
		return new CacheInvalidation(sender, true, cache, null);
	}

	byte[] encode() {
		return (this.sender + '\n' + (this.clear ? 'C' : 'E') + '\n' + this.cache + '\n'
				+ ((this.key != null) ? this.key : "")).getBytes(StandardCharsets.UTF_8);
	}

	/**
	 * Reads a message.
	 * @param message its bytes
	 * @return the invalidation, or {@code null} for a message that is none
	 */
	static CacheInvalidation decode(byte[] message) {
		String[] parts = new String(message, StandardCharsets.UTF_8).split("\n", 4);
		if (parts.length != 4 || parts[1].length() != 1) {
			return null;
		}
		boolean clear = parts[1].charAt(0) == 'C';
		return new CacheInvalidation(parts[0], clear, parts[2], clear ? null : parts[3]);
	}

}
