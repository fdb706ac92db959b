package dev.scalability.ratelimit.autoconfigure;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import dev.scalability.autoconfigure.InvalidPropertyException;
import dev.scalability.autoconfigure.RouteProperties;
import dev.scalability.ratelimit.RateLimitPolicy;
import dev.scalability.ratelimit.web.RateLimitRule;
import dev.scalability.ratelimit.web.RequestExpressions;
import dev.scalability.ratelimit.web.RequestKeyResolver;
import dev.scalability.web.ClientIpResolver;
import dev.scalability.web.IpRange;

import org.springframework.expression.Expression;
import org.springframework.expression.ParseException;

/**
 * Turns the web part of {@code scalability.rate-limit.rules} (paths, methods, keys, skip,
 * count-status) and {@code client-ip} into compiled rules, checking every value on the way
 * as {@link RateLimitPoliciesBuilder} does for the limits.
 */
final class RateLimitWebRulesBuilder {

	private static final String PREFIX = RateLimitPoliciesBuilder.PREFIX;

	private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

	private final RateLimitProperties properties;

	RateLimitWebRulesBuilder(RateLimitProperties properties) {
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

	/**
	 * The web rules, on the policies built for the same properties.
	 * @param policies the policies, in the order of the rules
	 * @param clientIp finds client addresses
	 * @return the rules
	 */
	List<RateLimitRule> rules(List<RateLimitPolicy> policies, ClientIpResolver clientIp) {
		List<RateLimitRule> rules = new ArrayList<>();
		List<RateLimitProperties.Rule> configured = this.properties.getRules();
		for (int i = 0; i < configured.size(); i++) {
			String at = PREFIX + ".rules[" + i + "]";
			RateLimitProperties.Rule rule = configured.get(i);
			Expression keyExpression = keyExpression(at, rule);
			Expression skip = skip(at, rule);
			boolean needsAuthentication = "user".equals(rule.getKey().trim())
					|| (keyExpression != null && RequestExpressions.readsUser(keyExpression))
					|| (skip != null && RequestExpressions.readsUser(skip));
			rules.add(new RateLimitRule(policies.get(i), RouteProperties.paths(at + ".paths", rule.getPaths(), "the rule"),
					RouteProperties.methods(at + ".methods", rule.getMethods()),
					keyResolver(at, rule, keyExpression, clientIp), skip, countStatus(at, rule), needsAuthentication));
		}
		return rules;
	}

	private static Expression keyExpression(String at, RateLimitProperties.Rule rule) {
		String key = (rule.getKey() != null) ? rule.getKey().trim() : "";
		if (key.isEmpty()) {
			throw new InvalidPropertyException(at + ".key", rule.getKey(), "empty key",
					"use ip, user, header:<Name> or a SpEL expression on 'request'.");
		}
		if (key.equals("ip") || key.equals("user") || key.startsWith("header:")) {
			return null;
		}
		return expression(at + ".key", key);
	}

	private static RequestKeyResolver keyResolver(String at, RateLimitProperties.Rule rule, Expression expression,
			ClientIpResolver clientIp) {
		if (expression != null) {
			return RequestExpressions.keyResolver(expression, clientIp);
		}
		String key = rule.getKey().trim();
		if (key.equals("ip")) {
			return RequestKeyResolver.ip(clientIp);
		}
		if (key.equals("user")) {
			return RequestKeyResolver.user(clientIp);
		}
		String header = key.substring("header:".length()).trim();
		if (!HEADER_NAME.matcher(header).matches()) {
			throw new InvalidPropertyException(at + ".key", key, "'" + header + "' is not a header name",
					"write header:<Name>, such as header:X-Api-Key.");
		}
		return RequestKeyResolver.header(header, clientIp);
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
