package dev.scalability.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Renders the property table of {@code docs/configuration.md} from the metadata that the
 * configuration processor writes, so that the reference cannot drift from the code.
 */
final class ConfigurationReference {

	static final String START = "<!-- properties:start (generated from the configuration metadata; see ConfigurationReferenceTests) -->";

	static final String END = "<!-- properties:end -->";

	private ConfigurationReference() {
	}

	static String table(Path metadata) {
		JsonNode root = read(metadata);
		List<JsonNode> properties = StreamSupport.stream(root.path("properties").spliterator(), false)
			.sorted(Comparator.comparing((JsonNode property) -> property.path("name").asString()))
			.toList();
		String rows = properties.stream().map(ConfigurationReference::row).collect(Collectors.joining("\n"));
		return "| property | default | meaning |\n|---|---|---|\n" + rows + "\n";
	}

	static String replaceTable(String document, String table) {
		int start = document.indexOf(START);
		int end = document.indexOf(END);
		if (start < 0 || end < start) {
			throw new IllegalStateException("docs/configuration.md lacks the generated-table markers");
		}
		return document.substring(0, start + START.length()) + "\n" + table + document.substring(end);
	}

	static String currentTable(String document) {
		int start = document.indexOf(START);
		int end = document.indexOf(END);
		if (start < 0 || end < start) {
			throw new IllegalStateException("docs/configuration.md lacks the generated-table markers");
		}
		return document.substring(start + START.length() + 1, end);
	}

	private static String row(JsonNode property) {
		JsonNode defaultValue = property.path("defaultValue");
		String shownDefault = defaultValue.isMissingNode() ? "" : "`" + render(defaultValue) + "`";
		String description = property.path("description").asString("").replace("\n", " ").replace("|", "\\|");
		return "| `" + property.path("name").asString() + "` | " + shownDefault + " | " + description + " |";
	}

	private static String render(JsonNode value) {
		if (value.isArray()) {
			return StreamSupport.stream(value.spliterator(), false)
				.map(JsonNode::asString)
				.collect(Collectors.joining(", ", "[", "]"));
		}
		return value.asString();
	}

	private static JsonNode read(Path metadata) {
		try {
			return JsonMapper.builder().build().readTree(Files.readString(metadata));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
