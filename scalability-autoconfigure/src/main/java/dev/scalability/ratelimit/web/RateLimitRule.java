package dev.scalability.ratelimit.web;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.servlet.http.HttpServletRequest;

import dev.scalability.ratelimit.RateLimitPolicy;

import org.springframework.expression.Expression;
import org.springframework.util.Assert;
import org.springframework.web.util.pattern.PathPattern;

/**
 * A rate-limit rule for web requests, compiled: its policy, the paths and methods it
 * covers, whom it counts, and when it applies.
 */
public final class RateLimitRule {

	private final RateLimitPolicy policy;

	private final List<PathPattern> paths;

	private final Set<String> methods;

	private final RequestKeyResolver keyResolver;

	private final Expression skip;

	private final Set<Integer> countStatus;

	/**
	 * Creates a rule.
	 * @param policy the limits
	 * @param paths the paths it covers
	 * @param methods the HTTP methods it covers; empty for all
	 * @param keyResolver whom a request counts against
	 * @param skip when true for a request, the rule does not apply; may be {@code null}
	 * @param countStatus only responses with these statuses consume; empty for all
	 */
	public RateLimitRule(RateLimitPolicy policy, List<PathPattern> paths, Set<String> methods,
			RequestKeyResolver keyResolver, Expression skip, Set<Integer> countStatus) {
		Assert.notEmpty(paths, "a rule needs at least one path");
		this.policy = policy;
		this.paths = List.copyOf(paths);
		this.methods = methods.stream().map((method) -> method.toUpperCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
		this.keyResolver = keyResolver;
		this.skip = skip;
		this.countStatus = Set.copyOf(countStatus);
	}

	public RateLimitPolicy policy() {
		return this.policy;
	}

	public String name() {
		return this.policy.name();
	}

	public List<PathPattern> paths() {
		return this.paths;
	}

	public Set<String> methods() {
		return this.methods;
	}

	boolean coversMethod(String method) {
		// Spring MVC answers HEAD with the GET handler: a limit on GET must cover it too.
		return this.methods.isEmpty() || this.methods.contains(method)
				|| ("HEAD".equals(method) && this.methods.contains("GET"));
	}

	boolean skips(HttpServletRequest request) {
		return this.skip != null && RequestExpressions.test(this.skip, request);
	}

	String key(HttpServletRequest request) {
		return this.keyResolver.resolve(request);
	}

	/**
	 * Whether only some responses consume.
	 * @return whether {@code count-status} is set
	 */
	boolean countsByStatus() {
		return !this.countStatus.isEmpty();
	}

	boolean counts(int status) {
		return this.countStatus.contains(status);
	}

	public Set<Integer> countStatus() {
		return this.countStatus;
	}

}
