package dev.scalability.web;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.server.PathContainer;
import org.springframework.http.server.RequestPath;
import org.springframework.web.util.pattern.PathPattern;

/**
 * Finds the routes that cover a request without trying every route: each pattern is filed
 * under its leading literal segments in a tree ({@code /api/ai/**} under
 * {@code api → ai}), and a path only tries the patterns filed along its own segments.
 * With hundreds of routes spread over distinct prefixes a lookup tries a handful. Rate
 * limiting asks for every route that covers a request; the request queue for the first.
 *
 * @param <T> what a route carries (a rule, a priority)
 */
public final class PathIndex<T> {

	private static final String PARSED_PATH_ATTRIBUTE = PathIndex.class.getName() + ".path";

	/**
	 * Up to this many patterns, trying each is cheaper than walking the tree.
	 */
	private static final int SCAN_THRESHOLD = 12;

	private final List<Route<T>> routes;

	private final Node root = new Node();

	private final boolean scan;

	/**
	 * Each route's patterns as plain strings, when the index is scanned and every pattern is
	 * a literal path, or one followed by {@code /**}: a request whose path is plain too is
	 * then matched by comparing strings, without parsing its path. {@code null} otherwise.
	 */
	private final PlainPattern[][] plain;

	/**
	 * Creates an index.
	 * @param routes the routes, in the order they were declared
	 */
	public PathIndex(List<Route<T>> routes) {
		this.routes = List.copyOf(routes);
		int patterns = 0;
		for (int order = 0; order < this.routes.size(); order++) {
			for (PathPattern pattern : this.routes.get(order).paths()) {
				file(pattern, order);
				patterns++;
			}
		}
		this.scan = patterns <= SCAN_THRESHOLD;
		this.plain = this.scan ? plainPatterns(this.routes) : null;
	}

	/**
	 * Every route that covers a request, in the order declared.
	 * @param request the request
	 * @return what the routes carry, possibly nothing
	 */
	public List<T> matchAll(HttpServletRequest request) {
		if (this.routes.isEmpty()) {
			return List.of();
		}
		String path = (this.plain != null) ? plainPathWithinApplication(request) : null;
		return (path != null) ? scanPlain(path, request.getMethod(), false)
				: matchAll(pathOf(request), request.getMethod());
	}

	/**
	 * The first route declared that covers a request.
	 * @param request the request
	 * @return what the route carries, or {@code null} when none covers it
	 */
	public T matchFirst(HttpServletRequest request) {
		if (this.routes.isEmpty()) {
			return null;
		}
		String path = (this.plain != null) ? plainPathWithinApplication(request) : null;
		if (path == null) {
			return matchFirst(pathOf(request), request.getMethod());
		}
		List<T> first = scanPlain(path, request.getMethod(), true);
		return first.isEmpty() ? null : first.get(0);
	}

	/**
	 * The path of a request within the application when it is plain (see
	 * {@link PlainPattern#isPlainPath}): its string is then the path a pattern would match.
	 * @return the path, or {@code null} when it is not plain
	 */
	static String plainPathWithinApplication(HttpServletRequest request) {
		String uri = request.getRequestURI();
		String contextPath = request.getContextPath();
		if (uri == null || contextPath == null || !uri.startsWith(contextPath)
				|| !PlainPattern.isPlainPath(uri, contextPath.length())) {
			return null;
		}
		return uri.substring(contextPath.length());
	}

	private List<T> scanPlain(String path, String method, boolean firstOnly) {
		List<T> result = null;
		for (int order = 0; order < this.plain.length; order++) {
			Route<T> route = this.routes.get(order);
			if (route.coversMethod(method) && PlainPattern.anyMatches(this.plain[order], path)) {
				if (firstOnly) {
					return List.of(route.value());
				}
				result = (result != null) ? result : new ArrayList<>(2);
				result.add(route.value());
			}
		}
		return (result != null) ? result : List.of();
	}

	private static <T> PlainPattern[][] plainPatterns(List<Route<T>> routes) {
		PlainPattern[][] plain = new PlainPattern[routes.size()][];
		for (int order = 0; order < routes.size(); order++) {
			List<PathPattern> paths = routes.get(order).paths();
			plain[order] = new PlainPattern[paths.size()];
			for (int i = 0; i < paths.size(); i++) {
				PlainPattern pattern = PlainPattern.of(paths.get(i));
				if (pattern == null) {
					return null;
				}
				plain[order][i] = pattern;
			}
		}
		return plain;
	}

	/**
	 * The path of a request within the application, as the index matches it. Parsed once
	 * per request and kept on it, since each feature's filter asks for it; parsed again
	 * when a forward changed the request's URI.
	 * @param request the request
	 * @return the path
	 */
	public static PathContainer pathOf(HttpServletRequest request) {
		String uri = request.getRequestURI();
		if (request.getAttribute(PARSED_PATH_ATTRIBUTE) instanceof ParsedPath parsed && parsed.uri().equals(uri)) {
			return parsed.path();
		}
		PathContainer path = RequestPath.parse(uri, request.getContextPath()).pathWithinApplication();
		request.setAttribute(PARSED_PATH_ATTRIBUTE, new ParsedPath(uri, path));
		return path;
	}

	private record ParsedPath(String uri, PathContainer path) {
	}

	private void file(PathPattern pattern, int order) {
		Node node = this.root;
		for (String segment : pattern.getPatternString().split("/")) {
			if (segment.isEmpty()) {
				continue;
			}
			if (!isLiteral(segment)) {
				break;
			}
			node = node.children.computeIfAbsent(segment, (ignored) -> new Node());
		}
		node.entries.add(new Entry(pattern, order));
	}

	private static boolean isLiteral(String segment) {
		for (int i = 0; i < segment.length(); i++) {
			char c = segment.charAt(i);
			if (c == '*' || c == '?' || c == '{' || c == '}') {
				return false;
			}
		}
		return true;
	}

	/**
	 * Every route that covers a request, in the order declared.
	 * @param path the path within the application
	 * @param method the HTTP method
	 * @return what the routes carry, possibly nothing
	 */
	public List<T> matchAll(PathContainer path, String method) {
		if (this.scan) {
			return scan(path, method, false);
		}
		BitSet matched = walk(path, method);
		if (matched == null) {
			return List.of();
		}
		List<T> result = new ArrayList<>(matched.cardinality());
		for (int order = matched.nextSetBit(0); order >= 0; order = matched.nextSetBit(order + 1)) {
			result.add(this.routes.get(order).value());
		}
		return result;
	}

	/**
	 * The first route declared that covers a request.
	 * @param path the path within the application
	 * @param method the HTTP method
	 * @return what the route carries, or {@code null} when none covers it
	 */
	public T matchFirst(PathContainer path, String method) {
		if (this.scan) {
			List<T> first = scan(path, method, true);
			return first.isEmpty() ? null : first.get(0);
		}
		BitSet matched = walk(path, method);
		return (matched != null) ? this.routes.get(matched.nextSetBit(0)).value() : null;
	}

	private BitSet walk(PathContainer path, String method) {
		BitSet matched = null;
		Node node = this.root;
		List<PathContainer.Element> elements = path.elements();
		int index = 0;
		while (node != null) {
			for (Entry entry : node.entries) {
				if ((matched == null || !matched.get(entry.order)) && this.routes.get(entry.order).coversMethod(method)
						&& entry.pattern.matches(path)) {
					if (matched == null) {
						matched = new BitSet(this.routes.size());
					}
					matched.set(entry.order);
				}
			}
			node = next(node, elements, index);
			index = nextSegment(elements, index) + 1;
		}
		return matched;
	}

	private List<T> scan(PathContainer path, String method, boolean firstOnly) {
		List<T> result = null;
		for (Route<T> route : this.routes) {
			if (route.coversMethod(method) && matchesAny(route.paths(), path)) {
				if (firstOnly) {
					return List.of(route.value());
				}
				result = (result != null) ? result : new ArrayList<>(2);
				result.add(route.value());
			}
		}
		return (result != null) ? result : List.of();
	}

	private static boolean matchesAny(List<PathPattern> patterns, PathContainer path) {
		for (PathPattern pattern : patterns) {
			if (pattern.matches(path)) {
				return true;
			}
		}
		return false;
	}

	private static Node next(Node node, List<PathContainer.Element> elements, int from) {
		int segment = nextSegment(elements, from);
		if (segment >= elements.size() || node.children.isEmpty()) {
			return null;
		}
		return node.children.get(((PathContainer.PathSegment) elements.get(segment)).valueToMatch());
	}

	private static int nextSegment(List<PathContainer.Element> elements, int from) {
		int index = from;
		while (index < elements.size() && !(elements.get(index) instanceof PathContainer.PathSegment)) {
			index++;
		}
		return index;
	}

	public List<Route<T>> routes() {
		return this.routes;
	}

	private record Entry(PathPattern pattern, int order) {
	}

	private static final class Node {

		private final Map<String, Node> children = new HashMap<>();

		private final List<Entry> entries = new ArrayList<>();

	}

}
