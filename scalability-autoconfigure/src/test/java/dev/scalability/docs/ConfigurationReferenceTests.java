package dev.scalability.docs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The docs list every property with its default and meaning, as the configuration
 * metadata has them. Run with {@code -Dscalability.docs.write=true} to rewrite the tables
 * after changing a property.
 */
class ConfigurationReferenceTests {

	private static final Path METADATA = Path.of("target/classes/META-INF/spring-configuration-metadata.json");

	@ParameterizedTest
	@ValueSource(strings = { "cache.md", "configuration.md", "events.md", "observability.md", "protection.md",
			"rate-limiting.md", "request-queue.md", "tasks.md" })
	void propertyTablesMatchTheConfigurationMetadata(String name) throws IOException {
		Path document = Path.of("../docs", name);
		String text = Files.readString(document);
		String expected = ConfigurationReference.read(METADATA).render(text);
		if (Boolean.getBoolean("scalability.docs.write")) {
			Files.writeString(document, expected);
			text = expected;
		}
		assertThat(text)
			.as("docs/" + name + " is out of date: run the autoconfigure tests with -Dscalability.docs.write=true")
			.isEqualTo(expected);
	}

}
