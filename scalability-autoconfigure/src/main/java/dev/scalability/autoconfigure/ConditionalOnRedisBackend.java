package dev.scalability.autoconfigure;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.context.annotation.Conditional;

/**
 * Matches when the starter is on and at least one enabled feature keeps its state in
 * Redis: only then does the starter connect to Redis, probe it or beat in it.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ ElementType.TYPE, ElementType.METHOD })
@Documented
@Conditional(OnRedisBackendCondition.class)
public @interface ConditionalOnRedisBackend {

}
