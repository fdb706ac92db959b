package dev.scalability.ratelimit.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.scalability.autoconfigure.Backend;
import dev.scalability.autoconfigure.FeatureRedisProperties;
import dev.scalability.ratelimit.FailMode;
import dev.scalability.ratelimit.RateLimitAlgorithm;
import dev.scalability.ratelimit.web.HeaderStyle;
import dev.scalability.web.ForwardedHeader;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;

/**
 * Configuration of rate limiting.
 */
@ConfigurationProperties("scalability.rate-limit")
public class RateLimitProperties {


	/**
	 * Whether to enable rate limiting.
	 */
	private boolean enabled = true;

	/**
	 * Backend that keeps the counters. Defaults to 'scalability.backend'.
	 */
	private Backend backend;

	/**
	 * What to do while Redis cannot be reached: 'local' keeps limiting per instance,
	 * 'open' allows every request, 'closed' refuses limited requests with 503.
	 */
	private FailMode failMode = FailMode.LOCAL;

	/**
	 * Rate-limit headers on responses: 'ietf' (RateLimit, RateLimit-Policy), 'legacy'
	 * (X-RateLimit-*), 'both' or 'none'.
	 */
	private HeaderStyle headers = HeaderStyle.IETF;

	/**
	 * Most keys the memory backend (and the local fallback) tracks; the least recently
	 * used are forgotten beyond it.
	 */
	private long maxKeys = 100_000;

	/**
	 * Whether the keys that are hot on an instance decide from permits leased out of Redis
	 * (auto) rather than one Redis call each (off), for the rules that can: one limit, no
	 * penalty, a fixed window or a token bucket that takes at least 0.8 s to fill and
	 * refills at least 10 permits a second. A rule's own leases wins.
	 */
	private Leases leases = Leases.AUTO;

	/**
	 * Order of the servlet filter that checks the rules keyed by address, header or
	 * expression. Defaults to just before Spring Security's filter chain
	 * ('spring.security.filter.order' - 10, so -110).
	 */
	private Integer filterOrder;

	/**
	 * Order of the servlet filter that checks the rules keyed by the authenticated user.
	 * Defaults to just after Spring Security's filter chain ('spring.security.filter.order'
	 * + 10, so -90).
	 */
	private Integer authenticatedFilterOrder;

	private final ClientIp clientIp = new ClientIp();

	/**
	 * Redis settings of rate limiting; unset ones come from 'scalability.redis'.
	 */
	@NestedConfigurationProperty
	private final FeatureRedisProperties redis = new FeatureRedisProperties();

	/**
	 * Rules applied to web requests; every rule that covers a request applies.
	 */
	private List<Rule> rules = new ArrayList<>();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public Backend getBackend() {
		return this.backend;
	}

	public void setBackend(Backend backend) {
		this.backend = backend;
	}

	public FailMode getFailMode() {
		return this.failMode;
	}

	public void setFailMode(FailMode failMode) {
		this.failMode = failMode;
	}

	public HeaderStyle getHeaders() {
		return this.headers;
	}

	public void setHeaders(HeaderStyle headers) {
		this.headers = headers;
	}

	public long getMaxKeys() {
		return this.maxKeys;
	}

	public Leases getLeases() {
		return this.leases;
	}

	public void setLeases(Leases leases) {
		this.leases = leases;
	}

	public void setMaxKeys(long maxKeys) {
		this.maxKeys = maxKeys;
	}

	public Integer getFilterOrder() {
		return this.filterOrder;
	}

	public void setFilterOrder(Integer filterOrder) {
		this.filterOrder = filterOrder;
	}

	public Integer getAuthenticatedFilterOrder() {
		return this.authenticatedFilterOrder;
	}

	public void setAuthenticatedFilterOrder(Integer authenticatedFilterOrder) {
		this.authenticatedFilterOrder = authenticatedFilterOrder;
	}

	public ClientIp getClientIp() {
		return this.clientIp;
	}

	public FeatureRedisProperties getRedis() {
		return this.redis;
	}

	public List<Rule> getRules() {
		return this.rules;
	}

	public void setRules(List<Rule> rules) {
		this.rules = rules;
	}

	public static class ClientIp {

		/**
		 * Proxies (addresses or CIDR ranges) whose forwarding header is believed. From
		 * anyone else it is ignored.
		 */
		private List<String> trustedProxies = new ArrayList<>();

		/**
		 * Header the trusted proxies write the client's address to: 'x-forwarded-for' or
		 * 'forwarded' (RFC 7239). Only this one is read.
		 */
		private ForwardedHeader header = ForwardedHeader.X_FORWARDED_FOR;

		/**
		 * Leading bits of an IPv6 address that name one client: a host usually holds a
		 * whole /64, and could otherwise rotate through its addresses.
		 */
		private int ipv6Prefix = 64;

		public List<String> getTrustedProxies() {
			return this.trustedProxies;
		}

		public void setTrustedProxies(List<String> trustedProxies) {
			this.trustedProxies = trustedProxies;
		}

		public ForwardedHeader getHeader() {
			return this.header;
		}

		public void setHeader(ForwardedHeader header) {
			this.header = header;
		}

		public int getIpv6Prefix() {
			return this.ipv6Prefix;
		}

		public void setIpv6Prefix(int ipv6Prefix) {
			this.ipv6Prefix = ipv6Prefix;
		}

	}

	public static class Rule extends Limit {

		/**
		 * Name of the rule, in headers, metrics and @RateLimited(rule=...).
		 */
		private String name;

		/**
		 * Paths the rule covers, in Spring PathPattern syntax.
		 */
		private List<String> paths = new ArrayList<>(List.of("/**"));

		/**
		 * HTTP methods the rule covers; all when empty.
		 */
		private List<String> methods = new ArrayList<>();

		/**
		 * Whom a request counts against: 'ip', 'user' (anonymous: ip), 'header:<Name>'
		 * (missing: ip), or a SpEL expression on 'request'.
		 */
		private String key = "ip";

		/**
		 * Counting algorithm.
		 */
		private RateLimitAlgorithm algorithm = RateLimitAlgorithm.TOKEN_BUCKET;

		/**
		 * Several limits checked together, instead of limit and window.
		 */
		private List<Limit> limits = new ArrayList<>();

		/**
		 * SpEL on 'request'; when true the rule does not apply to the request.
		 */
		private String skip;

		/**
		 * Only responses with these statuses consume (for example failed logins: 401,
		 * 403); all responses when empty.
		 */
		private List<Integer> countStatus = new ArrayList<>();

		/**
		 * Blocks repeat violators.
		 */
		private Penalty penalty;

		/**
		 * Whether this rule's hot keys decide from leased permits; the rate limiter's leases
		 * when not set.
		 */
		private Leases leases;

		public Leases getLeases() {
			return this.leases;
		}

		public void setLeases(Leases leases) {
			this.leases = leases;
		}

		public String getName() {
			return this.name;
		}

		public void setName(String name) {
			this.name = name;
		}

		public List<String> getPaths() {
			return this.paths;
		}

		public void setPaths(List<String> paths) {
			this.paths = paths;
		}

		public List<String> getMethods() {
			return this.methods;
		}

		public void setMethods(List<String> methods) {
			this.methods = methods;
		}

		public String getKey() {
			return this.key;
		}

		public void setKey(String key) {
			this.key = key;
		}

		public RateLimitAlgorithm getAlgorithm() {
			return this.algorithm;
		}

		public void setAlgorithm(RateLimitAlgorithm algorithm) {
			this.algorithm = algorithm;
		}

		public List<Limit> getLimits() {
			return this.limits;
		}

		public void setLimits(List<Limit> limits) {
			this.limits = limits;
		}

		public String getSkip() {
			return this.skip;
		}

		public void setSkip(String skip) {
			this.skip = skip;
		}

		public List<Integer> getCountStatus() {
			return this.countStatus;
		}

		public void setCountStatus(List<Integer> countStatus) {
			this.countStatus = countStatus;
		}

		public Penalty getPenalty() {
			return this.penalty;
		}

		public void setPenalty(Penalty penalty) {
			this.penalty = penalty;
		}

	}

	public static class Limit {

		/**
		 * Requests per window. In a rule, use 'limits' instead for several limits.
		 */
		private Long limit;

		/**
		 * Window of the limit.
		 */
		private Duration window;

		/**
		 * Extra capacity above the limit (token bucket only).
		 */
		private long burst;

		public Long getLimit() {
			return this.limit;
		}

		public void setLimit(Long limit) {
			this.limit = limit;
		}

		public Duration getWindow() {
			return this.window;
		}

		public void setWindow(Duration window) {
			this.window = window;
		}

		public long getBurst() {
			return this.burst;
		}

		public void setBurst(long burst) {
			this.burst = burst;
		}

	}

	public static class Penalty {

		/**
		 * Rejections within one window (the rule's longest) that trigger a block.
		 */
		private int after = 3;

		/**
		 * First block; each further block doubles.
		 */
		private Duration block = Duration.ofMinutes(1);

		/**
		 * Longest block. Defaults to 'block'.
		 */
		private Duration maxBlock;

		public int getAfter() {
			return this.after;
		}

		public void setAfter(int after) {
			this.after = after;
		}

		public Duration getBlock() {
			return this.block;
		}

		public void setBlock(Duration block) {
			this.block = block;
		}

		public Duration getMaxBlock() {
			return this.maxBlock;
		}

		public void setMaxBlock(Duration maxBlock) {
			this.maxBlock = maxBlock;
		}

	}

	/**
	 * Whether hot keys decide from permits leased out of Redis.
	 */
	public enum Leases {

		/**
		 * A key that is hot on this instance leases permits; cold keys decide exactly.
		 */
		AUTO,

		/**
		 * Every decision is one Redis call.
		 */
		OFF

	}

}
