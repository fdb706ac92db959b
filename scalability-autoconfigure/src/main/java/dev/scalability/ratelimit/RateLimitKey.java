package dev.scalability.ratelimit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * Whom a request for permits counts against, named after where the name comes from, so
 * that names from different sources never share a quota: web keys by their kind
 * ({@code ip:203.0.113.7}, {@code user:alice}, {@code header:...}, {@code expr:...}),
 * {@code @RateLimited} keys as {@code method:...}, keys given to
 * {@link RateLimiterService#tryAcquire(String, String)} as {@code app:...}. A user named
 * {@code ip:203.0.113.7} is {@code user:ip:203.0.113.7} in the web, {@code app:ip:203.0.113.7}
 * in code: never that address.
 *
 * <p>Names longer than {@link #MAX_LENGTH} characters are replaced by their SHA-256 digest
 * ({@code sha256:...}, a form no source prefix can spell), so that huge header values cannot
 * inflate the state kept per key, in memory or in Redis.
 */
public final class RateLimitKey {

	/**
	 * The longest name kept as it is.
	 */
	public static final int MAX_LENGTH = 64;

	private final String value;

	private RateLimitKey(String value) {
		this.value = bound(value);
	}

	/**
	 * A key read from a web request.
	 * @param kind {@code ip}, {@code user}, {@code header} or {@code expr}
	 * @param name the address, user name, header value or expression value
	 * @return the key
	 */
	public static RateLimitKey web(String kind, String name) {
		return new RateLimitKey(kind + ':' + name);
	}

	/**
	 * A key of a {@code @RateLimited} method, from its {@code key} expression.
	 * @param name the expression's value
	 * @return the key
	 */
	public static RateLimitKey method(String name) {
		return new RateLimitKey("method:" + name);
	}

	/**
	 * A key given by application code.
	 * @param name the name the code chose
	 * @return the key
	 */
	public static RateLimitKey application(String name) {
		return new RateLimitKey("app:" + name);
	}

	/**
	 * The name a backend stores the key under.
	 * @return the name, source prefix included, at most {@link #MAX_LENGTH} characters or a
	 * digest
	 */
	public String value() {
		return this.value;
	}

	private static String bound(String key) {
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

	@Override
	public boolean equals(Object other) {
		return other instanceof RateLimitKey that && this.value.equals(that.value);
	}

	@Override
	public int hashCode() {
		return this.value.hashCode();
	}

	@Override
	public String toString() {
		return this.value;
	}

}
