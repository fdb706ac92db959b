package dev.scalability.web;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

import org.springframework.web.util.pattern.PathPattern;

/**
 * Requests a setting applies to, by path and method, with what it carries: a rate-limit
 * rule, a queue priority.
 *
 * @param <T> what the route carries
 * @param paths the path patterns; at least one
 * @param methods the HTTP methods, upper case; empty for all
 * @param value what the route carries
 */
public record Route<T>(List<PathPattern> paths, Set<String> methods, T value) {

	public Route {
		if (paths == null || paths.isEmpty()) {
			throw new IllegalArgumentException("a route needs at least one path");
		}
		paths = List.copyOf(paths);
		methods = methods.stream()
			.map((method) -> method.toUpperCase(Locale.ROOT))
			.collect(Collectors.toUnmodifiableSet());
	}

	/**
	 * Whether the route covers a method. Spring MVC answers {@code HEAD} with the
	 * {@code GET} handler, so a route on {@code GET} covers {@code HEAD} too.
	 * @param method the request's method
	 * @return whether it is covered
	 */
	public boolean coversMethod(String method) {
		return this.methods.isEmpty() || this.methods.contains(method)
				|| ("HEAD".equals(method) && this.methods.contains("GET"));
	}

}
