package dev.scalability.autoconfigure;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.context.annotation.Conditional;

/**
 * Matches when the starter ({@code scalability.enabled}) and the feature
 * ({@code scalability.<feature>.enabled}) are both on; both are on unless set to false.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ ElementType.TYPE, ElementType.METHOD })
@Documented
@Conditional(OnScalabilityFeatureCondition.class)
public @interface ConditionalOnScalabilityFeature {

	/**
	 * The feature's property name, such as {@code rate-limit}.
	 * @return the feature
	 */
	String value();

	/**
	 * The backend the feature must run on; any backend when not set.
	 * @return the backends that match
	 */
	Backend[] backend() default {};

}
