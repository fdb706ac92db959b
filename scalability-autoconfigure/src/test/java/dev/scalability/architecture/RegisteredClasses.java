package dev.scalability.architecture;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;

/**
 * The class names this module registers with Spring Boot, read from its sources.
 */
final class RegisteredClasses {

	static final Path IMPORTS = Path
		.of("src/main/resources/META-INF/spring/org.springframework.boot.autoconfigure.AutoConfiguration.imports");

	static final Path SPRING_FACTORIES = Path.of("src/main/resources/META-INF/spring.factories");

	private RegisteredClasses() {
	}

	static List<String> autoConfigurations() {
		try {
			return Files.readAllLines(IMPORTS)
				.stream()
				.map(String::trim)
				.filter((line) -> !line.isEmpty() && !line.startsWith("#"))
				.toList();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	static List<String> springFactories() {
		Properties properties = new Properties();
		try (Reader reader = Files.newBufferedReader(SPRING_FACTORIES)) {
			properties.load(reader);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return properties.values()
			.stream()
			.flatMap((value) -> Arrays.stream(((String) value).split(",")))
			.map(String::trim)
			.filter((name) -> !name.isEmpty())
			.toList();
	}

}
