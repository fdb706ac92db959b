package dev.scalability.test.redis;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Applies the Redis skip/fail policy before a test class runs and injects the shared {@link RedisEndpoint}.
 * <p>
 * The shared Redis lives for the whole JVM ({@link TestRedis} stops it at exit), so nothing is kept in the extension
 * context store.
 */
public final class RedisExtension implements BeforeAllCallback, ParameterResolver {

	@Override
	public void beforeAll(ExtensionContext context) {
		TestRedis.requireShared();
	}

	@Override
	public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		return parameterContext.getParameter().getType() == RedisEndpoint.class;
	}

	@Override
	public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		return TestRedis.requireShared();
	}

}
