package dev.scalability.autoconfigure;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.springframework.http.HttpMethod;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;
import org.springframework.web.util.pattern.PatternParseException;

/**
 * Reads the {@code paths} and {@code methods} of a route in the features' properties (a
 * rate-limit rule, a request-queue route), naming the property at fault when a value is
 * wrong.
 */
public final class RouteProperties {

	private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS",
			"TRACE");

	private RouteProperties() {
	}

	/**
	 * Parses path patterns.
	 * @param property the property that lists them, such as
	 * {@code scalability.rate-limit.rules[0].paths}
	 * @param paths the patterns
	 * @param what what the patterns belong to, for the message ("the rule")
	 * @return the patterns
	 * @throws InvalidPropertyException when there is none or one is not a pattern
	 */
	public static List<PathPattern> paths(String property, List<String> paths, String what) {
		if (paths == null || paths.isEmpty()) {
			throw new InvalidPropertyException(property, null, what + " covers no path",
					"list at least one path pattern, such as /api/**.");
		}
		List<PathPattern> patterns = new ArrayList<>();
		for (int i = 0; i < paths.size(); i++) {
			patterns.add(path(property + "[" + i + "]", paths.get(i)));
		}
		return patterns;
	}

	/**
	 * Parses a path pattern.
	 * @param property the property
	 * @param path the pattern
	 * @return the pattern
	 * @throws InvalidPropertyException when it is not a pattern
	 */
	public static PathPattern path(String property, String path) {
		try {
			return PathPatternParser.defaultInstance.parse((path != null) ? path.trim() : "");
		}
		catch (PatternParseException ex) {
			throw new InvalidPropertyException(property, path,
					"not a valid path pattern: " + ex.getMessage() + " (at character " + ex.getPosition() + ")",
					"write a Spring PathPattern such as /api/** or /users/{id}.");
		}
	}

	/**
	 * Reads HTTP methods.
	 * @param property the property that lists them
	 * @param methods the methods, in any case
	 * @return the methods, upper case; empty for all
	 * @throws InvalidPropertyException when one is not an HTTP method
	 */
	public static Set<String> methods(String property, List<String> methods) {
		Set<String> read = new LinkedHashSet<>();
		if (methods == null) {
			return read;
		}
		for (int i = 0; i < methods.size(); i++) {
			String method = (methods.get(i) != null) ? methods.get(i).trim().toUpperCase(Locale.ROOT) : "";
			if (!METHODS.contains(method)) {
				throw new InvalidPropertyException(property + "[" + i + "]", methods.get(i), "not an HTTP method",
						"use one of " + METHODS + ".");
			}
			read.add(HttpMethod.valueOf(method).name());
		}
		return read;
	}

}
