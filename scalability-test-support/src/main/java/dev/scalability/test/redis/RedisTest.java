package dev.scalability.test.redis;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a test class that talks to the shared test Redis ({@link TestRedis}). Parameters of type
 * {@link RedisEndpoint} are resolved to it; without Redis the class is skipped, or fails when Redis is required
 * ({@code CI=true} or {@code -Dscalability.test.require-redis=true}). Tagged {@code redis} for filtering.
 */
@Target({ ElementType.TYPE, ElementType.ANNOTATION_TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(RedisExtension.class)
@Tag("redis")
public @interface RedisTest {

}
