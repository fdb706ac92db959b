package dev.scalability.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Renders the property tables of the docs from the metadata that the configuration
 * processor writes, so that the reference cannot drift from the code. A table sits between
 * {@code <!-- properties:start -->} (optionally {@code prefix=...} to list only part of the
 * properties) and {@code <!-- properties:end -->}.
 */
final class ConfigurationReference {

	private static final Pattern START = Pattern.compile("<!-- properties:start(?: prefix=(\\S+))?[^>]*-->\\n");

	private static final String END = "<!-- properties:end -->";

	private final List<JsonNode> properties;

	private ConfigurationReference(List<JsonNode> properties) {
		this.properties = properties;
	}

	static ConfigurationReference read(Path metadata) {
		try {
			JsonNode root = JsonMapper.builder().build().readTree(Files.readString(metadata));
			return new ConfigurationReference(StreamSupport.stream(root.path("properties").spliterator(), false)
				.sorted(Comparator.comparing((JsonNode property) -> property.path("name").asString()))
				.toList());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * The document with every table rendered afresh.
	 * @param document the document's text
	 * @return the text as it should be
	 */
	String render(String document) {
		Matcher start = START.matcher(document);
		StringBuilder rendered = new StringBuilder();
		int copied = 0;
		int tables = 0;
		while (start.find(copied)) {
			int end = document.indexOf(END, start.end());
			if (end < 0) {
				throw new IllegalStateException("a properties table is not closed by " + END);
			}
			rendered.append(document, copied, start.end()).append(table(start.group(1)));
			copied = end;
			tables++;
		}
		if (tables == 0) {
			throw new IllegalStateException("the document has no properties table");
		}
		return rendered.append(document.substring(copied)).toString();
	}

	private String table(String prefix) {
		String rows = this.properties.stream()
			.filter((property) -> prefix == null || property.path("name").asString().startsWith(prefix))
			.map(ConfigurationReference::row)
			.collect(Collectors.joining("\n"));
		return "| property | default | meaning |\n|---|---|---|\n" + rows + "\n";
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

}
