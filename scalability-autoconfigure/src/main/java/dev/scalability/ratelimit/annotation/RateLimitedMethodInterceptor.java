package dev.scalability.ratelimit.annotation;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import dev.scalability.ratelimit.AcquireMode;
import dev.scalability.ratelimit.RateLimit;
import dev.scalability.ratelimit.RateLimitDecision;
import dev.scalability.ratelimit.RateLimitExceededException;
import dev.scalability.ratelimit.RateLimitKey;
import dev.scalability.ratelimit.RateLimitPolicy;
import dev.scalability.ratelimit.RateLimiterService;
import dev.scalability.redis.RedisTimeBudget;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;

import org.springframework.aop.support.AopUtils;
import org.springframework.context.expression.MethodBasedEvaluationContext;
import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.ParameterNameDiscoverer;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.expression.Expression;
import org.springframework.expression.spel.standard.SpelExpressionParser;
import org.springframework.format.datetime.standard.DurationFormatterUtils;

/**
 * Applies {@link RateLimited} to method calls. Each annotated method is compiled once
 * (policy, key expression) when its bean is created, so that a wrong rule name or a bad
 * expression stops the start-up rather than a call. Keys live in their own namespace
 * ({@link RateLimitKey#method(String)}), and a call inside a web request shares the
 * request's Redis time budget.
 */
public class RateLimitedMethodInterceptor implements MethodInterceptor {

	private static final SpelExpressionParser PARSER = new SpelExpressionParser();

	private static final MethodLimit NOT_LIMITED = new MethodLimit(null, null, 0);

	private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

	private final Supplier<RateLimiterService> serviceSupplier;

	private volatile RateLimiterService service;

	private final ParameterNameDiscoverer parameterNames = new DefaultParameterNameDiscoverer();

	private final Map<Method, MethodLimit> limits = new ConcurrentHashMap<>();

	private final Map<String, RateLimitPolicy> inlinePolicies = new ConcurrentHashMap<>();

	/**
	 * Creates an interceptor.
	 * @param service decides, found when first needed
	 */
	public RateLimitedMethodInterceptor(Supplier<RateLimiterService> service) {
		this.serviceSupplier = service;
	}

	private RateLimiterService service() {
		RateLimiterService service = this.service;
		if (service == null) {
			service = this.serviceSupplier.get();
			this.service = service;
		}
		return service;
	}

	@Override
	public Object invoke(MethodInvocation invocation) throws Throwable {
		Class<?> targetClass = (invocation.getThis() != null) ? AopUtils.getTargetClass(invocation.getThis()) : null;
		Method method = AopUtils.getMostSpecificMethod(invocation.getMethod(), targetClass);
		MethodLimit limit = limitOf(method);
		if (limit == null) {
			return invocation.proceed();
		}
		RateLimitKey key = RateLimitKey.method(limit.key(invocation, method, this.parameterNames));
		RateLimiterService service = service();
		RateLimitDecision decision;
		RedisTimeBudget redisBudget = service.limiter().requestBudget();
		if (redisBudget != null) {
			try (RedisTimeBudget.Scope budget = redisBudget.open()) {
				decision = service.acquire(limit.policy, key, limit.permits, AcquireMode.ACQUIRE);
			}
		}
		else {
			decision = service.acquire(limit.policy, key, limit.permits, AcquireMode.ACQUIRE);
		}
		if (!decision.allowed()) {
			throw new RateLimitExceededException(decision);
		}
		return invocation.proceed();
	}

	/**
	 * Compiles the limit of a method, failing when its annotation is wrong.
	 * @param method the method
	 * @return the limit, or {@code null} when the method is not rate limited
	 */
	MethodLimit limitOf(Method method) {
		MethodLimit limit = this.limits.get(method);
		if (limit == null) {
			limit = compile(method);
			this.limits.put(method, limit);
		}
		return (limit != NOT_LIMITED) ? limit : null;
	}

	private MethodLimit compile(Method method) {
		if (method.getDeclaringClass() == Object.class) {
			return NOT_LIMITED;
		}
		RateLimited annotation = AnnotatedElementUtils.findMergedAnnotation(method, RateLimited.class);
		if (annotation == null) {
			annotation = AnnotatedElementUtils.findMergedAnnotation(method.getDeclaringClass(), RateLimited.class);
		}
		return (annotation != null) ? compile(method, annotation) : NOT_LIMITED;
	}

	private MethodLimit compile(Method method, RateLimited annotation) {
		String where = "@RateLimited on " + method.getDeclaringClass().getName() + "." + method.getName();
		RateLimitPolicy policy = policy(annotation, method, where);
		Expression key = null;
		if (!annotation.key().isEmpty()) {
			try {
				key = PARSER.parseExpression(annotation.key());
			}
			catch (RuntimeException ex) {
				throw new IllegalStateException(where + ": key '" + annotation.key() + "' is not valid SpEL: "
						+ ex.getMessage(), ex);
			}
		}
		long capacity = policy.limits().stream().mapToLong(RateLimit::capacity).min().orElseThrow();
		if (annotation.permits() < 1 || annotation.permits() > capacity) {
			throw new IllegalStateException(where + ": permits must be between 1 and the limit's capacity (" + capacity
					+ ")");
		}
		return new MethodLimit(policy, key, annotation.permits());
	}

	private RateLimitPolicy policy(RateLimited annotation, Method method, String where) {
		if (!annotation.rule().isEmpty()) {
			return service().policy(annotation.rule())
				.orElseThrow(() -> new IllegalStateException(where + ": no rule named '" + annotation.rule()
						+ "' in scalability.rate-limit.rules"));
		}
		if (annotation.limit() <= 0 || annotation.window().isEmpty()) {
			throw new IllegalStateException(where + ": give either rule, or limit and window");
		}
		Duration window;
		try {
			window = DurationFormatterUtils.detectAndParse(annotation.window());
		}
		catch (RuntimeException ex) {
			throw new IllegalStateException(where + ": window '" + annotation.window() + "' is not a duration", ex);
		}
		String name = annotation.name().isEmpty()
				? method.getDeclaringClass().getSimpleName() + "." + method.getName() : annotation.name();
		if (!NAME.matcher(name).matches()) {
			throw new IllegalStateException(where + ": the name '" + name
					+ "' may hold letters, digits, '.', '_' and '-' only");
		}
		if (service().policy(name).isPresent()) {
			throw new IllegalStateException(where + ": the name '" + name + "' belongs to a rule of "
					+ "scalability.rate-limit.rules; write rule = \"" + name + "\" to use it, or choose another name");
		}
		RateLimitPolicy policy;
		try {
			policy = RateLimitPolicy.of(name, annotation.algorithm(),
					new RateLimit(annotation.limit(), window, annotation.burst()));
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalStateException(where + ": " + ex.getMessage(), ex);
		}
		// Methods that share a name share one limit, as they would share one key in Redis.
		RateLimitPolicy shared = this.inlinePolicies.putIfAbsent(name, policy);
		if (shared == null) {
			return policy;
		}
		if (shared.algorithm() != policy.algorithm() || !shared.limits().equals(policy.limits())) {
			throw new IllegalStateException(where + ": the name '" + name + "' is used with other limits elsewhere ("
					+ shared + "); give each limit its own name");
		}
		return shared;
	}

	/**
	 * The compiled limit of one method.
	 */
	static final class MethodLimit {

		private final RateLimitPolicy policy;

		private final Expression key;

		private final long permits;

		MethodLimit(RateLimitPolicy policy, Expression key, long permits) {
			this.policy = policy;
			this.key = key;
			this.permits = permits;
		}

		String key(MethodInvocation invocation, Method method, ParameterNameDiscoverer names) {
			if (this.key == null) {
				return "global";
			}
			MethodBasedEvaluationContext context = new MethodBasedEvaluationContext(invocation.getThis(), method,
					invocation.getArguments(), names);
			Object value = this.key.getValue(context);
			return (value != null) ? value.toString() : "null";
		}

		RateLimitPolicy policy() {
			return this.policy;
		}

	}

}
