package dev.scalability.test.redis;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** The order of sources, with every look at the machine replaced by an input the test controls. */
class RedisLocatorTests {

	private static final RedisEndpoint CONTAINER = new RedisEndpoint("localhost", 32771);

	private static final RedisEndpoint PRIVATE_SERVER = new RedisEndpoint("127.0.0.1", 15001);

	private final Machine machine = new Machine();

	@Test
	void explicitUrlWinsOverEverySource() {
		this.machine.everySourceAvailable();
		this.machine.environment.put("SCALABILITY_TEST_REDIS_URL", "redis://redis.example:7000");

		LocatedRedis located = this.machine.locate().redis().orElseThrow();

		assertThat(located.source()).isEqualTo(RedisSource.URL);
		assertThat(located.endpoint()).isEqualTo(new RedisEndpoint("redis.example", 7000));
		assertThat(this.machine.dockerAsked).isFalse();
		assertThat(this.machine.started).isEmpty();
	}

	@Test
	void systemPropertyUrlWinsOverTheEnvironmentVariable() {
		this.machine.environment.put("SCALABILITY_TEST_REDIS_URL", "redis://from-env:7000");
		this.machine.systemProperties.put("scalability.test.redis-url", "redis://from-property:7001");

		LocatedRedis located = this.machine.locate().redis().orElseThrow();

		assertThat(located.endpoint()).isEqualTo(new RedisEndpoint("from-property", 7001));
		assertThat(located.description()).contains("scalability.test.redis-url");
	}

	@Test
	void malformedExplicitUrlFailsInsteadOfFallingBackToAnotherRedis() {
		this.machine.everySourceAvailable();
		this.machine.environment.put("SCALABILITY_TEST_REDIS_URL", "localhost:6379");

		assertThatIllegalArgumentException().isThrownBy(this.machine::locate).withMessageContaining("localhost:6379");
	}

	@Test
	void testcontainersIsChosenWhenDockerAnswers() {
		this.machine.everySourceAvailable();

		LocatedRedis located = this.machine.locate().redis().orElseThrow();

		assertThat(located.source()).isEqualTo(RedisSource.TESTCONTAINERS);
		assertThat(located.endpoint()).isEqualTo(CONTAINER);
		assertThat(this.machine.started).containsExactly("container");
	}

	@Test
	void aDockerSocketAloneMakesDockerWorthAsking() {
		this.machine.everySourceAvailable();
		this.machine.environment.remove("DOCKER_HOST");
		this.machine.existingFiles.add(Path.of("/var/run/docker.sock"));

		assertThat(this.machine.locate().redis().orElseThrow().source()).isEqualTo(RedisSource.TESTCONTAINERS);
	}

	@Test
	void testcontainersPropertiesInTheHomeDirectoryMakeDockerWorthAsking() {
		this.machine.everySourceAvailable();
		this.machine.environment.remove("DOCKER_HOST");
		this.machine.existingFiles.add(Path.of("/home/dev/.testcontainers.properties"));

		assertThat(this.machine.locate().redis().orElseThrow().source()).isEqualTo(RedisSource.TESTCONTAINERS);
	}

	@Test
	void dockerIsNotAskedWhenNoDockerHostIsPlausible() {
		this.machine.everySourceAvailable();
		this.machine.environment.remove("DOCKER_HOST");

		LocatedRedis located = this.machine.locate().redis().orElseThrow();

		assertThat(this.machine.dockerAsked).isFalse();
		assertThat(located.source()).isEqualTo(RedisSource.PRIVATE_SERVER);
	}

	@Test
	void dockerIsNotAskedWhenTestcontainersIsNotOnTheClassPath() {
		this.machine.everySourceAvailable();
		this.machine.testcontainersOnClassPath = false;

		LocatedRedis located = this.machine.locate().redis().orElseThrow();

		assertThat(this.machine.dockerAsked).isFalse();
		assertThat(located.source()).isEqualTo(RedisSource.PRIVATE_SERVER);
	}

	@Test
	void privateServerIsChosenWhenDockerDoesNotAnswerAndRedisServerIsOnThePath() {
		this.machine.everySourceAvailable();
		this.machine.dockerAnswers = false;

		LocatedRedis located = this.machine.locate().redis().orElseThrow();

		assertThat(this.machine.dockerAsked).isTrue();
		assertThat(located.source()).isEqualTo(RedisSource.PRIVATE_SERVER);
		assertThat(located.endpoint()).isEqualTo(PRIVATE_SERVER);
		assertThat(this.machine.started).containsExactly("private server");
	}

	@Test
	void aContainerThatFailsToStartFallsBackToThePrivateServer() {
		this.machine.everySourceAvailable();
		this.machine.containerFails = true;

		RedisLocator.Outcome outcome = this.machine.locate();

		assertThat(outcome.redis().orElseThrow().source()).isEqualTo(RedisSource.PRIVATE_SERVER);
		assertThat(outcome.notes()).anySatisfy((note) -> assertThat(note).contains("image pull refused"));
	}

	@Test
	void nothingIsFoundWhenNoSourceIsAvailableAndTheNotesSayWhy() {
		this.machine.testcontainersOnClassPath = true;

		RedisLocator.Outcome outcome = this.machine.locate();

		assertThat(outcome.redis()).isEmpty();
		assertThat(this.machine.started).isEmpty();
		assertThat(this.machine.dockerAsked).isFalse();
		assertThat(outcome.whyMissing()).contains("SCALABILITY_TEST_REDIS_URL is not set")
			.contains("no Docker host")
			.contains("redis-server is not on the PATH");
	}

	/** A machine with nothing on it, which each test furnishes. */
	private static final class Machine {

		final Map<String, String> environment = new HashMap<>();

		final Map<String, String> systemProperties = new HashMap<>(Map.of("user.home", "/home/dev"));

		final Set<String> commandsOnPath = new HashSet<>();

		final Set<Path> existingFiles = new HashSet<>();

		boolean testcontainersOnClassPath;

		boolean dockerAnswers;

		boolean dockerAsked;

		boolean containerFails;

		final List<String> started = new ArrayList<>();

		void everySourceAvailable() {
			this.environment.put("DOCKER_HOST", "unix:///var/run/docker.sock");
			this.testcontainersOnClassPath = true;
			this.dockerAnswers = true;
			this.commandsOnPath.add("redis-server");
		}

		RedisLocator.Outcome locate() {
			BooleanSupplier docker = () -> {
				this.dockerAsked = true;
				return this.dockerAnswers;
			};
			RedisLocator.Inputs inputs = new RedisLocator.Inputs(this.environment, this.systemProperties,
					this.commandsOnPath::contains, this.existingFiles::contains, () -> this.testcontainersOnClassPath,
					docker);
			return new RedisLocator(inputs, new RecordingLaunchers()).locate();
		}

		private final class RecordingLaunchers implements RedisLocator.Launchers {

			@Override
			public RedisEndpoint startContainer() {
				if (Machine.this.containerFails) {
					throw new IllegalStateException("image pull refused");
				}
				Machine.this.started.add("container");
				return CONTAINER;
			}

			@Override
			public RedisEndpoint startPrivateServer() {
				Machine.this.started.add("private server");
				return PRIVATE_SERVER;
			}

		}

	}

}
