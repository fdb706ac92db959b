package dev.scalability.docs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code docs/configuration.md} lists every property with its default and meaning, as the
 * configuration metadata has them. Run with {@code -Dscalability.docs.write=true} to
 * rewrite the table after changing a property.
 */
class ConfigurationReferenceTests {

	private static final Path METADATA = Path.of("target/classes/META-INF/spring-configuration-metadata.json");

	private static final Path DOCUMENT = Path.of("../docs/configuration.md");

	@Test
	void configurationReferenceListsEveryPropertyWithItsDefault() throws IOException {
		String expected = ConfigurationReference.table(METADATA);
		String document = Files.readString(DOCUMENT);
		if (Boolean.getBoolean("scalability.docs.write")) {
			document = ConfigurationReference.replaceTable(document, expected);
			Files.writeString(DOCUMENT, document);
		}
		assertThat(ConfigurationReference.currentTable(document))
			.as("docs/configuration.md is out of date: run the autoconfigure tests with -Dscalability.docs.write=true")
			.isEqualTo(expected);
	}

}
