package dev.scalability.ratelimit.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import dev.scalability.autoconfigure.InvalidPropertyException;
import dev.scalability.ratelimit.Penalty;
import dev.scalability.ratelimit.RateLimit;
import dev.scalability.ratelimit.RateLimitAlgorithm;
import dev.scalability.ratelimit.RateLimitPolicy;
import dev.scalability.ratelimit.web.ClientIpResolver;
import dev.scalability.ratelimit.web.IpRange;
import dev.scalability.ratelimit.web.RateLimitRule;
import dev.scalability.ratelimit.web.RequestExpressions;
import dev.scalability.ratelimit.web.RequestKeyResolver;

import org.springframework.expression.Expression;
import org.springframework.expression.ParseException;
import org.springframework.http.HttpMethod;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;
import org.springframework.web.util.pattern.PatternParseException;

/**
 * Turns {@code scalability.rate-limit.*} into compiled rules, checking every value on the
 * way: a mistake stops the start-up with the property's full name and what to write
 * instead, rather than surfacing as a limit that silently does not apply.
 */
final class RateLimitRulesBuilder {

	private static final String PREFIX = "scalability.rate-limit";

	private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

	private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

	private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS",
			"TRACE");

	private final RateLimitProperties properties;

	RateLimitRulesBuilder(RateLimitProperties properties) {
		this.properties = properties;
	}

	List<IpRange> trustedProxies() {
		List<IpRange> ranges = new ArrayList<>();
		List<String> proxies = this.properties.getClientIp().getTrustedProxies();
		for (int i = 0; i < proxies.size(); i++) {
			try {
				ranges.add(IpRange.parse(proxies.get(i)));
			}
			catch (IllegalArgumentException ex) {
				throw new InvalidPropertyException(PREFIX + ".client-ip.trusted-proxies[" + i + "]", proxies.get(i),
						ex.getMessage(), "write an IP address (10.0.0.7) or a CIDR range (10.0.0.0/8, fd00::/8).");
			}
		}
		return ranges;
	}

	void checkGlobals() {
		if (this.properties.getMaxKeys() < 1) {
			throw new InvalidPropertyException(PREFIX + ".max-keys", this.properties.getMaxKeys(),
					"must be at least 1", "give the number of keys to track, such as 100000.");
		}
		RateLimitProperties.Redis redis = this.properties.getRedis();
		if (redis.getTimeout() == null || redis.getTimeout().isNegative() || redis.getTimeout().isZero()) {
			throw new InvalidPropertyException(PREFIX + ".redis.timeout", redis.getTimeout(), "must be positive",
					"give a short duration such as 200ms.");
		}
		RateLimitProperties.CircuitBreaker breaker = redis.getCircuitBreaker();
		if (breaker.getFailureRate() < 1 || breaker.getFailureRate() > 100) {
			throw new InvalidPropertyException(PREFIX + ".redis.circuit-breaker.failure-rate",
					breaker.getFailureRate(), "must be a percentage between 1 and 100", "such as 50.");
		}
		if (breaker.getWindow() < 1) {
			throw new InvalidPropertyException(PREFIX + ".redis.circuit-breaker.window", breaker.getWindow(),
					"must be at least 1", "such as 20.");
		}
		if (breaker.getOpenFor() == null || breaker.getOpenFor().isNegative() || breaker.getOpenFor().isZero()) {
			throw new InvalidPropertyException(PREFIX + ".redis.circuit-breaker.open-for", breaker.getOpenFor(),
					"must be positive", "such as 5s.");
		}
	}

	List<RateLimitRule> rules(ClientIpResolver clientIp) {
		List<RateLimitRule> rules = new ArrayList<>();
		Map<String, Integer> names = new HashMap<>();
		List<RateLimitProperties.Rule> configured = this.properties.getRules();
		for (int i = 0; i < configured.size(); i++) {
			String at = PREFIX + ".rules[" + i + "]";
			RateLimitProperties.Rule rule = configured.get(i);
			RateLimitPolicy policy = policy(at, rule);
			Integer previous = names.putIfAbsent(policy.name(), i);
			if (previous != null) {
				throw new InvalidPropertyException(at + ".name", rule.getName(),
						"another rule has the same name (" + PREFIX + ".rules[" + previous + "])",
						"give every rule its own name.");
			}
			rules.add(new RateLimitRule(policy, paths(at, rule), methods(at, rule), keyResolver(at, rule, clientIp),
					skip(at, rule), countStatus(at, rule)));
		}
		return rules;
	}

	private RateLimitPolicy policy(String at, RateLimitProperties.Rule rule) {
		if (rule.getName() == null || !NAME.matcher(rule.getName()).matches()) {
			throw new InvalidPropertyException(at + ".name", rule.getName(),
					(rule.getName() == null) ? "every rule needs a name" : "a name may hold letters, digits, '.', '_' and '-' only",
					"name the rule, such as 'ai' or 'login'.");
		}
		if (rule.getAlgorithm() == null) {
			throw new InvalidPropertyException(at + ".algorithm", null, "no algorithm",
					"use token-bucket, sliding-window or fixed-window.");
		}
		List<RateLimit> limits = limits(at, rule);
		return new RateLimitPolicy(rule.getName(), rule.getAlgorithm(), limits, penalty(at, rule));
	}

	private List<RateLimit> limits(String at, RateLimitProperties.Rule rule) {
		boolean single = rule.getLimit() != null || rule.getWindow() != null;
		if (single && !rule.getLimits().isEmpty()) {
			throw new InvalidPropertyException(at + ".limits", null, "both 'limit'/'window' and 'limits' are set",
					"keep one: 'limit' and 'window' for one limit, 'limits' for several.");
		}
		if (!single && rule.getLimits().isEmpty()) {
			throw new InvalidPropertyException(at + ".limit", null, "the rule has no limit",
					"set 'limit' and 'window' (such as limit: 10, window: 1m), or 'limits'.");
		}
		if (single) {
			return List.of(limit(at, rule.getAlgorithm(), rule.getLimit(), rule.getWindow(), rule.getBurst()));
		}
		List<RateLimit> limits = new ArrayList<>();
		Set<Duration> windows = new HashSet<>();
		for (int j = 0; j < rule.getLimits().size(); j++) {
			RateLimitProperties.Limit limit = rule.getLimits().get(j);
			String limitAt = at + ".limits[" + j + "]";
			RateLimit built = limit(limitAt, rule.getAlgorithm(), limit.getLimit(), limit.getWindow(), limit.getBurst());
			if (!windows.add(built.window())) {
				throw new InvalidPropertyException(limitAt + ".window", built.window(),
						"another limit of the rule has the same window", "keep the stricter of the two.");
			}
			limits.add(built);
		}
		return limits;
	}

	private static RateLimit limit(String at, RateLimitAlgorithm algorithm, Long limit, Duration window, long burst) {
		if (limit == null || limit < 1) {
			throw new InvalidPropertyException(at + ".limit", limit, "a limit must be at least 1",
					"give the requests allowed per window, such as 10.");
		}
		if (window == null || window.toMillis() < 1) {
			throw new InvalidPropertyException(at + ".window", window, "a window must be at least 1ms",
					"give a duration such as 1s, 1m or 1h.");
		}
		if (burst < 0) {
			throw new InvalidPropertyException(at + ".burst", burst, "must not be negative", "use 0 or more.");
		}
		if (burst > 0 && algorithm != RateLimitAlgorithm.TOKEN_BUCKET) {
			throw new InvalidPropertyException(at + ".burst", burst, "only the token bucket has a burst",
					"remove 'burst', or use algorithm: token-bucket.");
		}
		if (window.toNanos() / 1_000 < limit) {
			throw new InvalidPropertyException(at + ".limit", limit,
					"more than one request per microsecond of the window", "use a longer window.");
		}
		return new RateLimit(limit, window, burst);
	}

	private static Penalty penalty(String at, RateLimitProperties.Rule rule) {
		RateLimitProperties.Penalty penalty = rule.getPenalty();
		if (penalty == null) {
			return null;
		}
		if (penalty.getAfter() < 1) {
			throw new InvalidPropertyException(at + ".penalty.after", penalty.getAfter(), "must be at least 1",
					"give the number of rejections that trigger a block, such as 3.");
		}
		if (penalty.getBlock() == null || penalty.getBlock().isNegative() || penalty.getBlock().isZero()) {
			throw new InvalidPropertyException(at + ".penalty.block", penalty.getBlock(), "must be positive",
					"give a duration such as 5m.");
		}
		Duration maxBlock = (penalty.getMaxBlock() != null) ? penalty.getMaxBlock() : penalty.getBlock();
		if (maxBlock.compareTo(penalty.getBlock()) < 0) {
			throw new InvalidPropertyException(at + ".penalty.max-block", maxBlock, "is shorter than 'block'",
					"give a duration at least as long as 'block' (" + penalty.getBlock() + ").");
		}
		return new Penalty(penalty.getAfter(), penalty.getBlock(), maxBlock);
	}

	private static List<PathPattern> paths(String at, RateLimitProperties.Rule rule) {
		if (rule.getPaths() == null || rule.getPaths().isEmpty()) {
			throw new InvalidPropertyException(at + ".paths", null, "the rule covers no path",
					"list at least one path pattern, such as /api/**.");
		}
		List<PathPattern> patterns = new ArrayList<>();
		for (int j = 0; j < rule.getPaths().size(); j++) {
			String path = rule.getPaths().get(j);
			try {
				patterns.add(PathPatternParser.defaultInstance.parse(path));
			}
			catch (PatternParseException ex) {
				throw new InvalidPropertyException(at + ".paths[" + j + "]", path,
						"not a valid path pattern: " + ex.getMessage() + " (at character " + ex.getPosition() + ")",
						"write a Spring PathPattern such as /api/** or /users/{id}.");
			}
		}
		return patterns;
	}

	private static Set<String> methods(String at, RateLimitProperties.Rule rule) {
		Set<String> methods = new LinkedHashSet<>();
		for (int j = 0; j < rule.getMethods().size(); j++) {
			String method = rule.getMethods().get(j).trim().toUpperCase(Locale.ROOT);
			if (!METHODS.contains(method)) {
				throw new InvalidPropertyException(at + ".methods[" + j + "]", rule.getMethods().get(j),
						"not an HTTP method", "use one of " + METHODS + ".");
			}
			methods.add(HttpMethod.valueOf(method).name());
		}
		return methods;
	}

	private static RequestKeyResolver keyResolver(String at, RateLimitProperties.Rule rule, ClientIpResolver clientIp) {
		String key = (rule.getKey() != null) ? rule.getKey().trim() : "";
		if (key.isEmpty()) {
			throw new InvalidPropertyException(at + ".key", rule.getKey(), "empty key",
					"use ip, user, header:<Name> or a SpEL expression on 'request'.");
		}
		if (key.equals("ip")) {
			return RequestKeyResolver.ip(clientIp);
		}
		if (key.equals("user")) {
			return RequestKeyResolver.user(clientIp);
		}
		if (key.startsWith("header:")) {
			String header = key.substring("header:".length()).trim();
			if (!HEADER_NAME.matcher(header).matches()) {
				throw new InvalidPropertyException(at + ".key", key, "'" + header + "' is not a header name",
						"write header:<Name>, such as header:X-Api-Key.");
			}
			return RequestKeyResolver.header(header, clientIp);
		}
		return RequestExpressions.keyResolver(expression(at + ".key", key), clientIp);
	}

	private static Expression skip(String at, RateLimitProperties.Rule rule) {
		return (rule.getSkip() != null && !rule.getSkip().isBlank()) ? expression(at + ".skip", rule.getSkip()) : null;
	}

	private static Expression expression(String property, String source) {
		try {
			return RequestExpressions.parse(source);
		}
		catch (ParseException | IllegalStateException ex) {
			throw new InvalidPropertyException(property, source, "not a valid SpEL expression: " + ex.getMessage(),
					"write SpEL on 'request', such as request.getHeader('X-Api-Key').");
		}
	}

	private static Set<Integer> countStatus(String at, RateLimitProperties.Rule rule) {
		Set<Integer> statuses = new LinkedHashSet<>();
		for (int j = 0; j < rule.getCountStatus().size(); j++) {
			Integer status = rule.getCountStatus().get(j);
			if (status == null || status < 100 || status > 599) {
				throw new InvalidPropertyException(at + ".count-status[" + j + "]", status,
						"not an HTTP status", "use statuses between 100 and 599, such as 401.");
			}
			statuses.add(status);
		}
		return statuses;
	}

}
