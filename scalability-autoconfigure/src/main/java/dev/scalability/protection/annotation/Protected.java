package dev.scalability.protection.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs a bean method under a protection policy ({@code scalability.protection.policies.<name>}):
 * rate limit, bulkhead, time limit, circuit breaker and retries, in that order from the
 * outside in. On a class, every public method of it.
 *
 * <p>A {@link #fallback() fallback} answers instead when the call fails or the policy
 * refuses it: a method of the same class with the same parameters, optionally followed by
 * one exception parameter (it then answers only for exceptions of that type), returning
 * what the protected method returns. It is found at start-up, which fails when it is
 * missing or does not fit. A protected method that cannot be intercepted (private, final,
 * static) fails the start-up too, and a call from a method of the same class, which
 * would bypass the policy, is reported.
 */
@Target({ ElementType.METHOD, ElementType.TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface Protected {

	/**
	 * The policy's name.
	 * @return the name
	 */
	String policy();

	/**
	 * The name of the method that answers instead when the call fails or is refused; none
	 * when empty.
	 * @return the method's name
	 */
	String fallback() default "";

}
