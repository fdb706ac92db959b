package dev.scalability.ratelimit.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A Lua script with its SHA-1 digest, read once from the class path.
 *
 * @param source the script's text
 * @param sha1 the digest {@code EVALSHA} names it by
 */
public record LuaScript(String source, String sha1) {

	public static LuaScript fromClassPath(Class<?> base, String name) {
		try (InputStream input = base.getResourceAsStream(name)) {
			if (input == null) {
				throw new IllegalStateException("script " + name + " not found next to " + base.getName());
			}
			byte[] bytes = input.readAllBytes();
			return new LuaScript(new String(bytes, StandardCharsets.UTF_8), sha1(bytes));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static String sha1(byte[] bytes) {
		try {
			MessageDigest digest = MessageDigest.getInstance("SHA-1");
			return HexFormat.of().formatHex(digest.digest(bytes));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	static boolean isNoScript(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			String message = cause.getMessage();
			if (message != null && message.startsWith("NOSCRIPT")) {
				return true;
			}
		}
		return false;
	}

}
