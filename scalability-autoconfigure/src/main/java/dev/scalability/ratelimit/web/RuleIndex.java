package dev.scalability.ratelimit.web;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.springframework.http.server.PathContainer;
import org.springframework.web.util.pattern.PathPattern;

/**
 * Finds the rules that cover a path without trying every rule: each pattern is filed
 * under its leading literal segments in a tree ({@code /api/ai/**} under
 * {@code api → ai}), and a path only tries the patterns filed along its own segments.
 * With hundreds of rules spread over distinct prefixes a lookup tries a handful.
 */
public final class RuleIndex {

	/**
	 * Up to this many patterns, trying each is cheaper than walking the tree.
	 */
	private static final int SCAN_THRESHOLD = 12;

	private final List<RateLimitRule> rules;

	private final Node root = new Node();

	private final boolean scan;

	public RuleIndex(List<RateLimitRule> rules) {
		this.rules = List.copyOf(rules);
		int patterns = 0;
		for (int order = 0; order < this.rules.size(); order++) {
			for (PathPattern pattern : this.rules.get(order).paths()) {
				file(pattern, order);
				patterns++;
			}
		}
		this.scan = patterns <= SCAN_THRESHOLD;
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
	 * The rules that cover a request, in the order they were declared.
	 * @param path the path within the application
	 * @param method the HTTP method
	 * @return the rules, possibly none
	 */
	public List<RateLimitRule> match(PathContainer path, String method) {
		if (this.scan) {
			return scan(path, method);
		}
		BitSet matched = null;
		Node node = this.root;
		List<PathContainer.Element> elements = path.elements();
		int index = 0;
		while (node != null) {
			for (Entry entry : node.entries) {
				if ((matched == null || !matched.get(entry.order)) && this.rules.get(entry.order).coversMethod(method)
						&& entry.pattern.matches(path)) {
					if (matched == null) {
						matched = new BitSet(this.rules.size());
					}
					matched.set(entry.order);
				}
			}
			node = next(node, elements, index);
			index = nextSegment(elements, index) + 1;
		}
		if (matched == null) {
			return List.of();
		}
		List<RateLimitRule> result = new ArrayList<>(matched.cardinality());
		for (int order = matched.nextSetBit(0); order >= 0; order = matched.nextSetBit(order + 1)) {
			result.add(this.rules.get(order));
		}
		return result;
	}

	private List<RateLimitRule> scan(PathContainer path, String method) {
		List<RateLimitRule> result = null;
		for (RateLimitRule rule : this.rules) {
			if (rule.coversMethod(method) && matchesAny(rule.paths(), path)) {
				result = (result != null) ? result : new ArrayList<>(2);
				result.add(rule);
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

	public List<RateLimitRule> rules() {
		return this.rules;
	}

	private record Entry(PathPattern pattern, int order) {
	}

	private static final class Node {

		private final Map<String, Node> children = new HashMap<>();

		private final List<Entry> entries = new ArrayList<>();

	}

}
