package dev.scalability.cache.redis;

import java.nio.charset.StandardCharsets;

import dev.scalability.redis.RedisKeys;

/**
 * The keys of cached entries: {@code <prefix>cache:{<key>}:<cache>}, each entry its own
 * hash slot, the cache's name after the tag so that a cache's entries can be found with
 * {@code SCAN MATCH}; and the one channel of invalidations.
 */
final class CacheKeys {

	private final RedisKeys.Space space;

	private final String keyPrefix;

	CacheKeys(RedisKeys keys) {
		this.space = keys.space("cache");
		String sample = new String(this.space.key("x"), StandardCharsets.UTF_8);
		this.keyPrefix = sample.substring(0, sample.length() - "{x}".length());
	}

	byte[] entry(String cache, String key) {
		return this.space.key(RedisKeys.tag(key), ":" + RedisKeys.tag(cache));
	}

	/**
	 * The pattern of every entry of a cache, for {@code SCAN MATCH}.
	 */
	String pattern(String cache) {
		return glob(this.keyPrefix) + "{*}:" + glob(RedisKeys.tag(cache));
	}

	byte[] channel() {
		return (this.keyPrefix + "invalidations").getBytes(StandardCharsets.UTF_8);
	}

	private static String glob(String text) {
		StringBuilder escaped = new StringBuilder(text.length() + 8);
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
				escaped.append('\\');
			}
			escaped.append(c);
		}
		return escaped.toString();
	}

}
