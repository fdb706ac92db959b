package dev.scalability.ratelimit.autoconfigure;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.scalability.ratelimit.RateLimitPolicy;
import dev.scalability.ratelimit.RateLimiterService;
import dev.scalability.ratelimit.web.RateLimitExceptionHandler;
import dev.scalability.ratelimit.web.RateLimitFilter;
import dev.scalability.ratelimit.web.RateLimitHeaders;
import dev.scalability.ratelimit.web.RateLimitProblems;
import dev.scalability.ratelimit.web.RateLimitRule;
import dev.scalability.ratelimit.web.RateLimitRules;
import dev.scalability.time.MonotonicClock;
import dev.scalability.web.ClientIpResolver;
import dev.scalability.web.ProblemResponseWriter;
import jakarta.servlet.DispatcherType;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.servlet.DispatcherServlet;

/**
 * The web side of rate limiting in a servlet application: the rules, two filters (before
 * and after Spring Security), the headers, the problem answers and the MVC exception
 * handler. In any other application the rules are not applied to requests, and a warning
 * says so.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({ OncePerRequestFilter.class, ObjectMapper.class })
class RateLimitServletConfiguration {

	/**
	 * Spring Security's default filter order ({@code spring.security.filter.order}).
	 */
	static final int SECURITY_FILTER_ORDER = -100;

	private static final Log logger = LogFactory.getLog(RateLimitServletConfiguration.class);

	@Bean
	@ConditionalOnMissingBean
	ClientIpResolver rateLimitClientIpResolver(RateLimitProperties properties, Environment environment) {
		RateLimitWebRulesBuilder builder = new RateLimitWebRulesBuilder(properties);
		ClientIpResolver resolver = new ClientIpResolver(builder.trustedProxies(),
				properties.getClientIp().getHeader(), properties.getClientIp().getIpv6Prefix());
		if ("framework".equalsIgnoreCase(environment.getProperty("server.forward-headers-strategy", ""))
				&& properties.getClientIp().getTrustedProxies().isEmpty() && !properties.getRules().isEmpty()) {
			logger.warn("server.forward-headers-strategy=framework takes the client's address from the left-most "
					+ "X-Forwarded-For value, which any client can write; rate limits ignore it and count per "
					+ "connection peer. List your proxies in scalability.rate-limit.client-ip.trusted-proxies so "
					+ "that clients behind them are counted apart.");
		}
		return resolver;
	}

	@Bean
	@ConditionalOnMissingBean
	RateLimitRules rateLimitRules(RateLimitProperties properties, RateLimiterService service,
			ClientIpResolver clientIp) {
		// The service's own policy objects where it has them (a replaced service may not).
		List<RateLimitPolicy> policies = new RateLimitPoliciesBuilder(properties).policies()
			.stream()
			.map((policy) -> service.policy(policy.name()).orElse(policy))
			.toList();
		return new RateLimitRules(new RateLimitWebRulesBuilder(properties).rules(policies, clientIp));
	}

	@Bean
	@ConditionalOnMissingBean
	RateLimitRouteDescriptions rateLimitRouteDescriptions(RateLimitRules rules) {
		Map<String, Map<String, Object>> byRule = new LinkedHashMap<>();
		for (RateLimitRule rule : rules.rules()) {
			Map<String, Object> described = new LinkedHashMap<>();
			described.put("paths", rule.paths().stream().map(Object::toString).toList());
			described.put("methods", rule.methods());
			if (!rule.countStatus().isEmpty()) {
				described.put("countStatus", rule.countStatus());
			}
			described.put("checked", rule.needsAuthentication() ? "after-authentication" : "before-authentication");
			byRule.put(rule.name(), described);
		}
		return new RateLimitRouteDescriptions(byRule);
	}

	@Bean
	@ConditionalOnMissingBean
	RateLimitHeaders rateLimitHeaders(RateLimitProperties properties) {
		return new RateLimitHeaders(properties.getHeaders());
	}

	@Bean
	@ConditionalOnMissingBean
	RateLimitProblems rateLimitProblems(ObjectProvider<JsonMapper> jsonMapper, RateLimitProperties properties,
			Environment environment) {
		Duration retryAfter = openFor(environment, properties);
		return new RateLimitProblems(new ProblemResponseWriter(jsonMapper.getIfAvailable(JsonMapper::new)),
				retryAfter.toSeconds());
	}

	private static Duration openFor(Environment environment, RateLimitProperties properties) {
		Duration own = properties.getRedis().getCircuitBreaker().getOpenFor();
		if (own != null) {
			return own;
		}
		return environment.getProperty("scalability.redis.circuit-breaker.open-for", Duration.class,
				Duration.ofSeconds(30));
	}

	@Bean
	@ConditionalOnMissingBean(name = "rateLimitFilter")
	FilterRegistrationBean<RateLimitFilter> rateLimitFilter(RateLimitRules rules, RateLimiterService service,
			RateLimitHeaders headers, RateLimitProblems problems, RateLimitProperties properties,
			MonotonicClock clock, Environment environment) {
		int order = (properties.getFilterOrder() != null) ? properties.getFilterOrder()
				: securityFilterOrder(environment) - 10;
		return registration("rateLimitFilter", order, new RateLimitFilter("rateLimitFilter",
				rules.beforeAuthentication(), service, headers, problems, clock));
	}

	@Bean
	@ConditionalOnMissingBean(name = "rateLimitAuthenticatedFilter")
	FilterRegistrationBean<RateLimitFilter> rateLimitAuthenticatedFilter(RateLimitRules rules,
			RateLimiterService service, RateLimitHeaders headers, RateLimitProblems problems,
			RateLimitProperties properties, MonotonicClock clock, Environment environment) {
		int order = (properties.getAuthenticatedFilterOrder() != null) ? properties.getAuthenticatedFilterOrder()
				: securityFilterOrder(environment) + 10;
		return registration("rateLimitAuthenticatedFilter", order, new RateLimitFilter(
				"rateLimitAuthenticatedFilter", rules.afterAuthentication(), service, headers, problems, clock));
	}

	/**
	 * Where Spring Security's filter chain is, so that the two filters stay on either side
	 * of it when the application moves it.
	 */
	private static int securityFilterOrder(Environment environment) {
		return environment.getProperty("spring.security.filter.order", Integer.class, SECURITY_FILTER_ORDER);
	}

	private static FilterRegistrationBean<RateLimitFilter> registration(String name, int order,
			RateLimitFilter filter) {
		FilterRegistrationBean<RateLimitFilter> registration = new FilterRegistrationBean<>(filter);
		registration.setName(name);
		registration.setOrder(order);
		// Not on error pages: the request they belong to was checked. On async dispatches for
		// the Redis time budget alone.
		registration.setDispatcherTypes(DispatcherType.REQUEST, DispatcherType.FORWARD, DispatcherType.INCLUDE,
				DispatcherType.ASYNC);
		// A filter with no rule to check stays out of the servlet container: each filter in
		// the chain costs every request some bookkeeping.
		registration.setEnabled(filter.hasRules());
		return registration;
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnClass(DispatcherServlet.class)
	@ConditionalOnBean(RateLimitProblems.class)
	RateLimitExceptionHandler rateLimitExceptionHandler(RateLimitHeaders headers, RateLimitProblems problems) {
		return new RateLimitExceptionHandler(headers, problems);
	}

}
