package dev.scalability.sample;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import org.springframework.boot.convert.DurationStyle;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code docs/prometheus/alerts.yml} is a valid rule file: parsed here always, and checked
 * by Prometheus's own {@code promtool} where it is installed.
 */
class AlertRulesFileTests {

	static final Path RULES = Path.of("..", "docs", "prometheus", "alerts.yml");

	@Test
	@SuppressWarnings("unchecked")
	void everyRuleHasAnAlertAQueryASeverityAndASummary() throws IOException {
		Map<String, Object> file;
		try (Reader reader = Files.newBufferedReader(RULES)) {
			file = new Yaml().load(reader);
		}
		List<Map<String, Object>> groups = (List<Map<String, Object>>) file.get("groups");
		assertThat(groups).isNotEmpty();
		List<Map<String, Object>> rules = groups.stream()
			.flatMap((group) -> ((List<Map<String, Object>>) group.get("rules")).stream())
			.toList();
		assertThat(rules).extracting((rule) -> rule.get("alert"))
			.contains("ServiceUnhealthy", "CircuitBreakerOpen", "DeadLettersPiling", "RequestQueueRejecting",
					"LatencyAboveBaseline");
		for (Map<String, Object> rule : rules) {
			assertThat(rule).containsKeys("alert", "expr", "labels", "annotations");
			assertThat((String) rule.get("expr")).isNotBlank();
			assertThat((Map<String, Object>) rule.get("labels")).containsKey("severity");
			assertThat((Map<String, Object>) rule.get("annotations")).containsKey("summary");
			if (rule.containsKey("for")) {
				assertThat(DurationStyle.SIMPLE.parse((String) rule.get("for"))).isPositive();
			}
		}
	}

	@Test
	void promtoolAcceptsTheRules() throws Exception {
		Path promtool = onPath("promtool");
		Assumptions.assumeTrue(promtool != null,
				"promtool is not installed (Debian package prometheus): the rules were only parsed");
		Process check = new ProcessBuilder(promtool.toString(), "check", "rules", RULES.toString())
			.redirectErrorStream(true)
			.start();
		assertThat(check.waitFor(60, TimeUnit.SECONDS)).isTrue();
		String output = new String(check.getInputStream().readAllBytes());
		assertThat(check.exitValue()).as(output).isZero();
		assertThat(output).contains("SUCCESS");
	}

	private static Path onPath(String executable) {
		for (String directory : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
			Path candidate = Path.of(directory, executable);
			if (Files.isExecutable(candidate)) {
				return candidate;
			}
		}
		return null;
	}

}
