package dev.scalability.ratelimit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * Bounds the keys clients control: a key longer than {@link #MAX_LENGTH} characters is
 * replaced by its SHA-256 digest, so that huge header values cannot inflate the state kept
 * per key, in memory or in Redis.
 */
public final class RateLimitKeys {

	/**
	 * The longest key kept as it is.
	 */
	public static final int MAX_LENGTH = 64;

	private RateLimitKeys() {
	}

	/**
	 * The key to store.
	 * @param key the key as resolved
	 * @return the key itself when short enough, else {@code sha256:} and its digest
	 */
	public static String bound(String key) {
		if (key.length() <= MAX_LENGTH) {
			return key;
		}
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
			return "sha256:" + Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
