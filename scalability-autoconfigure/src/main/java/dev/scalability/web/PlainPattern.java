package dev.scalability.web;

import java.util.Locale;

import org.springframework.http.server.PathContainer;
import org.springframework.web.util.pattern.PathPattern;

/**
 * A path pattern that is a literal path ({@code /api/hello}), or one followed by
 * {@code /**} ({@code /api/**}), matched against a plain path by comparing strings. A
 * pattern is taken as plain only when it answers like the strings on the paths that tell
 * the parser's options apart (a trailing slash, a change of case), so that the two ways of
 * matching never disagree.
 *
 * @param literal the literal path, without the {@code /**}
 * @param catchAll whether it ends with {@code /**}: then it also covers every path below
 */
record PlainPattern(String literal, boolean catchAll) {

	private static final String CATCH_ALL = "/**";

	/**
	 * The plain form of a pattern.
	 * @param pattern the pattern
	 * @return its plain form, or {@code null} when it has none
	 */
	static PlainPattern of(PathPattern pattern) {
		String text = pattern.getPatternString();
		boolean catchAll = text.endsWith(CATCH_ALL);
		String literal = catchAll ? text.substring(0, text.length() - CATCH_ALL.length()) : text;
		if (!catchAll && literal.isEmpty()) {
			return null;
		}
		if (!literal.isEmpty() && !isPlainPath(literal, 0)) {
			return null;
		}
		PlainPattern plain = new PlainPattern(literal, catchAll);
		return plain.agreesWith(pattern) ? plain : null;
	}

	private boolean agreesWith(PathPattern pattern) {
		String path = this.literal.isEmpty() ? "/" : this.literal;
		String[] probes = { path, path + "/", path + "/x", path + "x", swapCase(path), swapCase(path) + "/x" };
		for (String probe : probes) {
			if (pattern.matches(PathContainer.parsePath(probe)) != matches(probe)) {
				return false;
			}
		}
		return true;
	}

	/**
	 * Whether the pattern covers a plain path.
	 * @param path the path within the application, plain
	 * @return whether it does
	 */
	boolean matches(String path) {
		if (!this.catchAll) {
			return path.equals(this.literal);
		}
		int length = this.literal.length();
		return path.startsWith(this.literal) && (path.length() == length || path.charAt(length) == '/');
	}

	static boolean anyMatches(PlainPattern[] patterns, String path) {
		for (PlainPattern pattern : patterns) {
			if (pattern.matches(path)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Whether a path, from an index on, is plain: a slash, then unreserved characters and
	 * single slashes only, so that nothing in it is decoded, dropped (path parameters) or
	 * read as an empty segment.
	 * @param path the path
	 * @param from where it starts
	 * @return whether it is
	 */
	static boolean isPlainPath(String path, int from) {
		if (from >= path.length() || path.charAt(from) != '/') {
			return false;
		}
		for (int i = from + 1; i < path.length(); i++) {
			char c = path.charAt(i);
			if (!isPlain(c) || (c == '/' && path.charAt(i - 1) == '/')) {
				return false;
			}
		}
		return true;
	}

	private static boolean isPlain(char c) {
		return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.'
				|| c == '_' || c == '~' || c == '/';
	}

	private static String swapCase(String text) {
		String upper = text.toUpperCase(Locale.ROOT);
		return upper.equals(text) ? text.toLowerCase(Locale.ROOT) : upper;
	}

}
