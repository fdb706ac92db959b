package dev.scalability.sample;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.scalability.test.web.HttpTestClient;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard and the alert rules of {@code docs/} query only metrics a running service
 * exports: every metric they name is in the sample's {@code /actuator/prometheus} once each
 * feature has been used.
 */
class SampleObservabilityPackTests extends SampleWithoutRedis {

	static final Path DOCS = Path.of("..", "docs");

	/**
	 * A metric's name wherever a query names it: the families the service exports.
	 */
	private static final Pattern METRIC = Pattern
		.compile("\\b((?:http|scalability|cache|resilience4j|hikaricp|jvm|process)_[a-zA-Z0-9_:]+)");

	/**
	 * A selector: {@code name{label="value", ...}}.
	 */
	private static final Pattern SELECTOR = Pattern.compile("\\b([a-zA-Z_:][a-zA-Z0-9_:]*)\\{([^}]*)}");

	/**
	 * Labels Prometheus adds when it scrapes, which no exposition has.
	 */
	private static final Set<String> SCRAPE_LABELS = Set.of("instance", "job");

	private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(?:=~|!~|!=|=)");

	@Test
	void everyMetricTheDashboardQueriesIsExportedByTheSample() throws IOException {
		JsonNode dashboard = JsonMapper.builder().build().readTree(DOCS.resolve("grafana/scalability-dashboard.json").toFile());
		List<String> queries = new ArrayList<>();
		for (JsonNode panel : dashboard.path("panels")) {
			for (JsonNode target : panel.path("targets")) {
				queries.add(target.path("expr").asString());
			}
		}
		assertThat(queries).hasSizeGreaterThan(15);
		// The sample has no database: a service with a JDBC pool exports these.
		assertThat(missingFromScrape(queries)).allMatch((metric) -> metric.startsWith("hikaricp_"));
	}

	@Test
	void everyMetricTheAlertRulesQueryIsExportedByTheSample() throws IOException {
		List<String> queries = new ArrayList<>();
		for (String line : Files.readAllLines(DOCS.resolve("prometheus/alerts.yml"))) {
			queries.add(line);
		}
		assertThat(missingFromScrape(queries)).isEmpty();
	}

	private Set<String> missingFromScrape(List<String> queries) {
		useEveryFeature();
		String scrape = this.http.get("/actuator/prometheus").body();
		Set<String> exported = new TreeSet<>();
		for (String line : scrape.lines().toList()) {
			if (!line.startsWith("#") && !line.isBlank()) {
				exported.add(line.split("[{ ]", 2)[0]);
			}
		}
		Set<String> missing = new TreeSet<>();
		for (String query : queries) {
			Matcher metric = METRIC.matcher(query);
			while (metric.find()) {
				String name = metric.group(1);
				if (!exported.contains(name)) {
					missing.add(name);
				}
			}
			Matcher selector = SELECTOR.matcher(query);
			while (selector.find()) {
				String name = selector.group(1);
				if (!exported.contains(name)) {
					continue;
				}
				Matcher label = LABEL.matcher(selector.group(2));
				while (label.find()) {
					String labelName = label.group(1);
					if (SCRAPE_LABELS.contains(labelName)) {
						continue;
					}
					boolean labelled = scrape.lines()
						.anyMatch((line) -> line.startsWith(name + "{") && line.contains(labelName + "=\""));
					if (!labelled) {
						missing.add(name + "{" + labelName + "}");
					}
				}
			}
		}
		return missing;
	}

	private void useEveryFeature() {
		this.http.get("/api/products/3");
		this.http.post("/api/events/orders.created", "{\"id\":\"order-9\",\"total\":9}");
		this.http.post("/api/tasks", "{\"type\":\"sample.echo\",\"payload\":{\"text\":\"hi\"}}");
		HttpResponse<String> charged = this.http.get("/api/payments/charge?cents=100");
		assertThat(charged.statusCode()).isEqualTo(200);
		HttpTestClient.json(this.http.get("/actuator/health"));
	}

}
