package dev.scalability.test.redis;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * Decides where the shared test Redis comes from: an explicit URL, then Testcontainers, then a private redis-server.
 * Every look at the machine comes through {@link Inputs} and every start through {@link Launchers}, so the order can be
 * tested without touching the real environment.
 */
final class RedisLocator {

	static final String URL_VARIABLE = "SCALABILITY_TEST_REDIS_URL";

	static final String URL_PROPERTY = "scalability.test.redis-url";

	static final String CONTAINER_IMAGE = "redis:7";

	private static final String TESTCONTAINERS_PROBE_CLASS = "org.testcontainers.DockerClientFactory";

	private final Inputs inputs;

	private final Launchers launchers;

	RedisLocator(Inputs inputs, Launchers launchers) {
		this.inputs = inputs;
		this.launchers = launchers;
	}

	/** Tries each source in order; a source that fails to start is noted and the next one is tried. */
	Outcome locate() {
		List<String> notes = new ArrayList<>();
		Optional<LocatedRedis> explicit = fromExplicitUrl(notes);
		if (explicit.isPresent()) {
			return new Outcome(explicit, notes);
		}
		Optional<LocatedRedis> container = fromTestcontainers(notes);
		if (container.isPresent()) {
			return new Outcome(container, notes);
		}
		return new Outcome(fromPrivateServer(notes), notes);
	}

	/** A malformed URL fails loudly: silently falling back would test against a Redis nobody asked for. */
	private Optional<LocatedRedis> fromExplicitUrl(List<String> notes) {
		String property = this.inputs.systemProperties().get(URL_PROPERTY);
		if (property != null && !property.isBlank()) {
			return Optional.of(new LocatedRedis(RedisSource.URL, RedisEndpoint.parse(property),
					"system property " + URL_PROPERTY));
		}
		String variable = this.inputs.environment().get(URL_VARIABLE);
		if (variable != null && !variable.isBlank()) {
			return Optional.of(new LocatedRedis(RedisSource.URL, RedisEndpoint.parse(variable),
					"environment variable " + URL_VARIABLE));
		}
		notes.add(URL_VARIABLE + " is not set");
		return Optional.empty();
	}

	private Optional<LocatedRedis> fromTestcontainers(List<String> notes) {
		if (!this.inputs.testcontainersOnClassPath().getAsBoolean()) {
			notes.add("Testcontainers is not on the class path");
			return Optional.empty();
		}
		// Asking Testcontainers on a machine without Docker costs seconds of probing; a missing socket costs nothing.
		if (!dockerHostPlausible()) {
			notes.add("no Docker host (DOCKER_HOST unset, no Docker socket, no ~/.testcontainers.properties)");
			return Optional.empty();
		}
		if (!dockerAnswers()) {
			notes.add("Docker did not answer");
			return Optional.empty();
		}
		try {
			return Optional.of(new LocatedRedis(RedisSource.TESTCONTAINERS, this.launchers.startContainer(),
					"a Testcontainers " + CONTAINER_IMAGE + " container"));
		}
		catch (RuntimeException ex) {
			notes.add("starting a " + CONTAINER_IMAGE + " container failed: " + ex.getMessage());
			return Optional.empty();
		}
	}

	private boolean dockerAnswers() {
		try {
			return this.inputs.dockerAnswers().getAsBoolean();
		}
		catch (RuntimeException | LinkageError ex) {
			return false;
		}
	}

	private boolean dockerHostPlausible() {
		String dockerHost = this.inputs.environment().get("DOCKER_HOST");
		if (dockerHost != null && !dockerHost.isBlank()) {
			return true;
		}
		return dockerHostFiles().stream().anyMatch(this.inputs.fileExists());
	}

	private List<Path> dockerHostFiles() {
		List<Path> files = new ArrayList<>(List.of(Path.of("/var/run/docker.sock")));
		String home = this.inputs.systemProperties().get("user.home");
		if (home != null && !home.isBlank()) {
			files.add(Path.of(home, ".testcontainers.properties"));
			files.add(Path.of(home, ".docker", "run", "docker.sock"));
		}
		String runtimeDirectory = this.inputs.environment().get("XDG_RUNTIME_DIR");
		if (runtimeDirectory != null && !runtimeDirectory.isBlank()) {
			files.add(Path.of(runtimeDirectory, "docker.sock"));
		}
		return files;
	}

	private Optional<LocatedRedis> fromPrivateServer(List<String> notes) {
		if (!this.inputs.onPath().test("redis-server")) {
			notes.add("redis-server is not on the PATH");
			return Optional.empty();
		}
		try {
			return Optional.of(new LocatedRedis(RedisSource.PRIVATE_SERVER, this.launchers.startPrivateServer(),
					"a private redis-server from the PATH"));
		}
		catch (RuntimeException ex) {
			notes.add("starting a private redis-server failed: " + ex.getMessage());
			return Optional.empty();
		}
	}

	/**
	 * What the locator may look at.
	 *
	 * @param environment environment variables
	 * @param systemProperties system properties
	 * @param onPath whether a command is on the PATH
	 * @param fileExists whether a file exists (Docker sockets, Testcontainers config)
	 * @param testcontainersOnClassPath whether the optional Testcontainers dependency is present
	 * @param dockerAnswers whether a Docker engine answers; only asked when the other signs are there
	 */
	record Inputs(Map<String, String> environment, Map<String, String> systemProperties, Predicate<String> onPath,
			Predicate<Path> fileExists, BooleanSupplier testcontainersOnClassPath, BooleanSupplier dockerAnswers) {

		static Inputs ofThisMachine() {
			Map<String, String> environment = System.getenv();
			Map<String, String> properties = new HashMap<>();
			System.getProperties().forEach((key, value) -> properties.put(String.valueOf(key), String.valueOf(value)));
			return new Inputs(environment, properties,
					(command) -> ExecutablesOnPath.find(command, environment.get("PATH")).isPresent(),
					(file) -> file.toFile().exists(), Inputs::testcontainersPresent,
					// A lambda, so TestcontainersRedis (and with it Testcontainers) is only loaded when asked.
					() -> TestcontainersRedis.dockerAnswers());
		}

		private static boolean testcontainersPresent() {
			try {
				Class.forName(TESTCONTAINERS_PROBE_CLASS, false, RedisLocator.class.getClassLoader());
				return true;
			}
			catch (ClassNotFoundException | LinkageError ex) {
				return false;
			}
		}

	}

	/** Starts what the locator chose; each start lives until the JVM exits. */
	interface Launchers {

		RedisEndpoint startContainer();

		RedisEndpoint startPrivateServer();

		static Launchers real() {
			return new Launchers() {

				@Override
				public RedisEndpoint startContainer() {
					return TestcontainersRedis.start();
				}

				@Override
				public RedisEndpoint startPrivateServer() {
					// Not closed on purpose: shared by every test class in this JVM, killed at exit by ProcessReaper.
					return RedisServerProcess.start().endpoint();
				}

			};
		}

	}

	/**
	 * @param redis what was found, if anything
	 * @param notes why earlier sources were passed over
	 */
	record Outcome(Optional<LocatedRedis> redis, List<String> notes) {

		Outcome {
			notes = List.copyOf(notes);
		}

		String whyMissing() {
			return String.join("; ", this.notes);
		}

	}

}
