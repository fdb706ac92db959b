package dev.scalability.ratelimit.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import dev.scalability.ratelimit.RateLimitAlgorithm;

/**
 * Rate-limits calls of a Spring bean's method (or of every public method of a class).
 * Either names a rule of {@code scalability.rate-limit.rules} ({@code rule = "ai"}) or
 * gives a limit inline ({@code limit = 10, window = "1m"}). A call over the limit throws
 * {@link dev.scalability.ratelimit.RateLimitExceededException}, which Spring MVC answers
 * with 429.
 *
 * <pre class="code">
 * &#64;RateLimited(limit = 10, window = "1m", key = "#customerId")
 * public Quote quote(String customerId) { ... }
 * </pre>
 */
@Target({ ElementType.METHOD, ElementType.TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface RateLimited {

	/**
	 * The rule whose limits apply. When set, the inline attributes are ignored.
	 * @return the rule's name
	 */
	String rule() default "";

	/**
	 * Inline limit: permits per window.
	 * @return the limit
	 */
	long limit() default 0;

	/**
	 * Inline window, as in properties: {@code 1s}, {@code 1m}, {@code PT1H}.
	 * @return the window
	 */
	String window() default "";

	/**
	 * Inline algorithm.
	 * @return the algorithm
	 */
	RateLimitAlgorithm algorithm() default RateLimitAlgorithm.TOKEN_BUCKET;

	/**
	 * Inline burst (token bucket): extra capacity above the limit.
	 * @return the burst
	 */
	long burst() default 0;

	/**
	 * Name of the inline limit in metrics and headers; defaults to
	 * {@code SimpleClassName.method}.
	 * @return the name
	 */
	String name() default "";

	/**
	 * Whom a call counts against: a SpEL expression on the method's arguments
	 * ({@code #customerId}, {@code #order.accountId}). Empty: every call counts against one
	 * shared limit.
	 * @return the expression
	 */
	String key() default "";

	/**
	 * Permits one call takes.
	 * @return the permits
	 */
	long permits() default 1;

}
