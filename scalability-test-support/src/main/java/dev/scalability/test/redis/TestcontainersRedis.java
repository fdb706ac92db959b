package dev.scalability.test.redis;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The only class touching Testcontainers types. Testcontainers is an optional dependency, so this class must only be
 * loaded after {@link RedisLocator} has seen it on the class path.
 */
final class TestcontainersRedis {

	private static final int REDIS_PORT = 6379;

	private TestcontainersRedis() {
	}

	static boolean dockerAnswers() {
		return DockerClientFactory.instance().isDockerAvailable();
	}

	static RedisEndpoint start() {
		GenericContainer<?> container = new GenericContainer<>(DockerImageName.parse(RedisLocator.CONTAINER_IMAGE))
			.withExposedPorts(REDIS_PORT);
		container.start();
		// Testcontainers' Ryuk would remove it too; stopping it here does not depend on Ryuk being allowed.
		ProcessReaper.atExit(container, container::stop);
		return new RedisEndpoint(container.getHost(), container.getMappedPort(REDIS_PORT));
	}

}
