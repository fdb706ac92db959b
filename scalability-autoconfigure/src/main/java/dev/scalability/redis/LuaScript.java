package dev.scalability.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A Lua script with its SHA-1 digest, read once from the class path. Named apart from
 * Spring Data Redis's {@code RedisScript}: this one is run by {@link GuardedRedis}.
 *
 * @param name a short name for messages, such as {@code rate-limit.lua}
 * @param source the script's text
 * @param sha1 the digest {@code EVALSHA} names it by
 */
public record LuaScript(String name, String source, String sha1) {

	/**
	 * Reads a script stored next to a class.
	 * @param base the class whose package holds the script
	 * @param name the file name
	 * @return the script
	 */
	public static LuaScript fromClassPath(Class<?> base, String name) {
		try (InputStream input = base.getResourceAsStream(name)) {
			if (input == null) {
				throw new IllegalStateException("script " + name + " not found next to " + base.getName());
			}
			return of(name, new String(input.readAllBytes(), StandardCharsets.UTF_8));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * A script from its text.
	 * @param name a short name for messages
	 * @param source the text
	 * @return the script
	 */
	public static LuaScript of(String name, String source) {
		try {
			MessageDigest digest = MessageDigest.getInstance("SHA-1");
			return new LuaScript(name, source,
					HexFormat.of().formatHex(digest.digest(source.getBytes(StandardCharsets.UTF_8))));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	static boolean isNoScript(Throwable failure) {
		return RedisErrors.hasReply(failure, "NOSCRIPT");
	}

	@Override
	public String toString() {
		return this.name;
	}

}
