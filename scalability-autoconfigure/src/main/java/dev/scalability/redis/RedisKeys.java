package dev.scalability.redis;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * Builds the Redis keys of every feature: {@code <prefix><feature>:{<tag>}<suffix>}. The
 * prefix is the application's ({@code scalability.redis.key-prefix}); the feature segment
 * keeps features apart ({@code rl}, {@code tasks}); the tag, between braces, is the
 * Cluster hash tag, so that the keys one script touches share a slot.
 *
 * <p>The parts of a tag may come from clients (a header, a user name). Each part is
 * escaped ({@code %}, <code>{</code>, <code>}</code> and {@code :} as {@code %25},
 * {@code %7B}, {@code %7D}, {@code %3A}), so a part can neither end nor move the hash tag,
 * nor pass for two parts; a tag longer than {@link #MAX_TAG_LENGTH} is replaced by
 * {@code %h} and its SHA-256 digest, which no escaped text can spell, so keys stay short
 * and distinct.
 */
public final class RedisKeys {

	/**
	 * The longest tag kept as it is.
	 */
	public static final int MAX_TAG_LENGTH = 128;

	/**
	 * The longest prefix accepted.
	 */
	public static final int MAX_PREFIX_LENGTH = 100;

	private final String prefix;

	/**
	 * Creates a key builder.
	 * @param prefix the prefix of every key
	 * @throws IllegalArgumentException when the prefix holds a brace or is too long
	 */
	public RedisKeys(String prefix) {
		checkPrefix(prefix);
		this.prefix = prefix;
	}

	/**
	 * Checks a prefix: a brace in it would be taken for a hash tag and put every key of
	 * every feature in one Cluster slot.
	 * @param prefix the prefix
	 * @throws IllegalArgumentException when it cannot be used
	 */
	public static void checkPrefix(String prefix) {
		if (prefix == null) {
			throw new IllegalArgumentException("the key prefix must not be null");
		}
		if (prefix.indexOf('{') >= 0 || prefix.indexOf('}') >= 0) {
			throw new IllegalArgumentException("the key prefix must not contain '{' or '}': they would make a hash "
					+ "tag and put every key in one Redis Cluster slot");
		}
		if (prefix.length() > MAX_PREFIX_LENGTH) {
			throw new IllegalArgumentException("the key prefix must not be longer than " + MAX_PREFIX_LENGTH
					+ " characters");
		}
	}

	public String prefix() {
		return this.prefix;
	}

	/**
	 * The keys of one feature.
	 * @param feature a short fixed name, such as {@code rl}
	 * @return the feature's key space
	 */
	public Space space(String feature) {
		if (!feature.matches("[a-z0-9.-]+")) {
			throw new IllegalArgumentException("a feature segment is lower-case letters, digits, '.' and '-'");
		}
		return new Space(this.prefix + feature + ":{");
	}

	/**
	 * The hash tag made of parts, escaped and bounded.
	 * @param parts the parts, client-supplied or not
	 * @return the tag, without its braces
	 */
	public static String tag(String... parts) {
		StringBuilder tag = new StringBuilder(32);
		for (int i = 0; i < parts.length; i++) {
			if (i > 0) {
				tag.append(':');
			}
			escape(parts[i], tag);
		}
		return bound(tag);
	}

	/**
	 * The hash tag made of two parts, escaped and bounded, without the array of
	 * {@link #tag(String...)}.
	 * @param first the first part
	 * @param second the second part
	 * @return the tag, without its braces
	 */
	public static String tag(String first, String second) {
		StringBuilder tag = new StringBuilder(first.length() + second.length() + 1);
		escape(first, tag);
		escape(second, tag.append(':'));
		return bound(tag);
	}

	private static void escape(String part, StringBuilder into) {
		for (int i = 0; i < part.length(); i++) {
			char c = part.charAt(i);
			switch (c) {
				case '%' -> into.append("%25");
				case '{' -> into.append("%7B");
				case '}' -> into.append("%7D");
				case ':' -> into.append("%3A");
				default -> into.append(c);
			}
		}
	}

	private static String bound(StringBuilder tag) {
		if (tag.length() <= MAX_TAG_LENGTH) {
			return tag.toString();
		}
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(tag.toString().getBytes(StandardCharsets.UTF_8));
			return "%h" + Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * The keys of one feature: {@code <prefix><feature>:{<tag>}<suffix>}.
	 */
	public static final class Space {

		private final String start;

		private Space(String start) {
			this.start = start;
		}

		/**
		 * The key of a tag.
		 * @param tag a tag from {@link RedisKeys#tag(String...)}
		 * @return the key, UTF-8
		 */
		public byte[] key(String tag) {
			return key(tag, "");
		}

		/**
		 * The key of a tag and a suffix, for the several keys of one tag (a queue's ready,
		 * delayed and in-flight sets).
		 * @param tag a tag from {@link RedisKeys#tag(String...)}
		 * @param suffix a fixed suffix such as {@code :ready}; may be empty
		 * @return the key, UTF-8
		 */
		public byte[] key(String tag, String suffix) {
			return keyString(tag, suffix).getBytes(StandardCharsets.UTF_8);
		}

		String keyString(String tag, String suffix) {
			return this.start + tag + '}' + suffix;
		}

	}

}
