package dev.scalability.sample;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds a JDK of a given version or later on this machine, to run the sample on it: from
 * {@code SCALABILITY_TEST_JDK21_HOME}, else among the JDKs installed under
 * {@code /usr/lib/jvm}.
 */
final class Jdks {

	private static final Pattern VERSION = Pattern.compile("JAVA_VERSION=\"(\\d+)");

	private Jdks() {
	}

	/**
	 * The {@code java} executable of a JDK 21 or later.
	 * @return it, when there is one
	 */
	static Optional<Path> java21OrLater() {
		String home = System.getenv("SCALABILITY_TEST_JDK21_HOME");
		if (home != null && !home.isBlank()) {
			return Optional.of(Path.of(home, "bin", "java"));
		}
		Path installed = Path.of("/usr/lib/jvm");
		if (!Files.isDirectory(installed)) {
			return Optional.empty();
		}
		try (Stream<Path> jdks = Files.list(installed)) {
			return jdks.filter((jdk) -> version(jdk) >= 21)
				.max(Comparator.comparingInt(Jdks::version))
				.map((jdk) -> jdk.resolve("bin").resolve("java"))
				.filter(Files::isExecutable);
		}
		catch (IOException ex) {
			return Optional.empty();
		}
	}

	private static int version(Path jdk) {
		try {
			Matcher matcher = VERSION.matcher(Files.readString(jdk.resolve("release")));
			return matcher.find() ? Integer.parseInt(matcher.group(1)) : 0;
		}
		catch (IOException ex) {
			return 0;
		}
	}

}
