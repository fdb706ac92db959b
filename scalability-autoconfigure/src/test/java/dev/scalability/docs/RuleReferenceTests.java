package dev.scalability.docs;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import dev.scalability.ratelimit.autoconfigure.RateLimitProperties;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The configuration metadata cannot describe the elements of a list, so the table of rule
 * properties in {@code docs/rate-limiting.md} is written by hand: this test keeps it
 * complete.
 */
class RuleReferenceTests {

	@Test
	void everyRulePropertyIsDocumented() throws IOException {
		String document = Files.readString(Path.of("../docs/rate-limiting.md"));
		List<String> properties = new ArrayList<>();
		collect("rules[].", RateLimitProperties.Rule.class, properties);
		assertThat(properties).contains("rules[].penalty.max-block", "rules[].limits[].window");
		for (String property : properties) {
			assertThat(document).as("docs/rate-limiting.md documents " + property).contains("| `" + property + "` |");
		}
	}

	private static void collect(String prefix, Class<?> type, List<String> properties) {
		if (type.getSuperclass() != Object.class) {
			collect(prefix, type.getSuperclass(), properties);
		}
		for (Field field : type.getDeclaredFields()) {
			if (Modifier.isStatic(field.getModifiers())) {
				continue;
			}
			String name = prefix + kebab(field.getName());
			if (field.getType() == RateLimitProperties.Penalty.class) {
				collect(name + ".", RateLimitProperties.Penalty.class, properties);
			}
			else if (field.getName().equals("limits")) {
				collect(name + "[].", RateLimitProperties.Limit.class, properties);
			}
			else {
				properties.add(name);
			}
		}
	}

	private static String kebab(String camel) {
		return camel.replaceAll("([a-z])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
	}

}
