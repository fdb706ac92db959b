package dev.scalability.ratelimit.web;

import java.util.List;
import java.util.Set;

import dev.scalability.ratelimit.RateLimitKey;
import dev.scalability.ratelimit.RateLimitPolicy;
import dev.scalability.web.Route;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.expression.Expression;
import org.springframework.web.util.pattern.PathPattern;

/**
 * A rate-limit rule for web requests, compiled: its policy, the paths and methods it
 * covers, whom it counts, and when it applies.
 */
public final class RateLimitRule {

	private final RateLimitPolicy policy;

	private final Route<RateLimitRule> route;

	private final RequestKeyResolver keyResolver;

	private final Expression skip;

	private final Set<Integer> countStatus;

	private final boolean needsAuthentication;

	/**
	 * Creates a rule.
	 * @param policy the limits
	 * @param paths the paths it covers
	 * @param methods the HTTP methods it covers; empty for all
	 * @param keyResolver whom a request counts against
	 * @param skip when true for a request, the rule does not apply; may be {@code null}
	 * @param countStatus only responses with these statuses consume; empty for all
	 * @param needsAuthentication whether the key or skip reads the authenticated user, so
	 * that the rule is checked after authentication rather than before
	 */
	public RateLimitRule(RateLimitPolicy policy, List<PathPattern> paths, Set<String> methods,
			RequestKeyResolver keyResolver, Expression skip, Set<Integer> countStatus, boolean needsAuthentication) {
		this.policy = policy;
		this.route = new Route<>(paths, methods, this);
		this.keyResolver = keyResolver;
		this.skip = skip;
		this.countStatus = Set.copyOf(countStatus);
		this.needsAuthentication = needsAuthentication;
	}

	public RateLimitPolicy policy() {
		return this.policy;
	}

	public String name() {
		return this.policy.name();
	}

	public Route<RateLimitRule> route() {
		return this.route;
	}

	public List<PathPattern> paths() {
		return this.route.paths();
	}

	public Set<String> methods() {
		return this.route.methods();
	}

	/**
	 * Whether the rule is checked after authentication: its key or its skip reads the
	 * authenticated user. Every other rule is checked before, so that it also sees the
	 * requests that Spring Security answers itself, such as failed logins.
	 * @return whether it needs the authenticated user
	 */
	public boolean needsAuthentication() {
		return this.needsAuthentication;
	}

	boolean skips(HttpServletRequest request) {
		return this.skip != null && RequestExpressions.test(this.skip, request);
	}

	RateLimitKey key(HttpServletRequest request) {
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
