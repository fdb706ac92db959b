package dev.scalability.autoconfigure;

import java.util.Optional;

import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;

/**
 * Fails the start-up with a {@link RedisBackendUnavailableException} when a feature is
 * set to the Redis backend and Redis cannot be used. It runs on bean definitions, before
 * any bean is created, so the user sees this explanation rather than whichever
 * unsatisfied dependency happens to be created first.
 */
final class RedisBackendVerifier implements BeanFactoryPostProcessor {

	static final String CONNECTION_FACTORY_CLASS = "org.springframework.data.redis.connection.RedisConnectionFactory";

	static final String CIRCUIT_BREAKER_CLASS = "io.github.resilience4j.circuitbreaker.CircuitBreaker";

	private final Environment environment;

	RedisBackendVerifier(Environment environment) {
		this.environment = environment;
	}

	@Override
	public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
		Optional<String> property = redisSelectingProperty();
		if (property.isEmpty()) {
			return;
		}
		ClassLoader classLoader = beanFactory.getBeanClassLoader();
		if (!ClassUtils.isPresent(CONNECTION_FACTORY_CLASS, classLoader)) {
			throw new RedisBackendUnavailableException(property.get(),
					RedisBackendUnavailableException.Reason.SPRING_DATA_REDIS_MISSING);
		}
		if (!ClassUtils.isPresent(CIRCUIT_BREAKER_CLASS, classLoader)) {
			throw new RedisBackendUnavailableException(property.get(),
					RedisBackendUnavailableException.Reason.CIRCUIT_BREAKER_MISSING);
		}
		Class<?> type = ClassUtils.resolveClassName(CONNECTION_FACTORY_CLASS, classLoader);
		if (beanFactory.getBeanNamesForType(type, true, false).length == 0) {
			throw new RedisBackendUnavailableException(property.get(),
					RedisBackendUnavailableException.Reason.CONNECTION_FACTORY_MISSING);
		}
	}

	private Optional<String> redisSelectingProperty() {
		return BackendSelection.redisSelectingProperty(this.environment);
	}

}
