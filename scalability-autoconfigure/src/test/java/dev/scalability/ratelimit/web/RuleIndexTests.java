package dev.scalability.ratelimit.web;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;

import dev.scalability.ratelimit.RateLimit;
import dev.scalability.ratelimit.RateLimitAlgorithm;
import dev.scalability.ratelimit.RateLimitPolicy;
import org.junit.jupiter.api.Test;

import org.springframework.http.server.PathContainer;
import org.springframework.http.server.RequestPath;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The index finds exactly the rules a scan of every rule would find, in declaration
 * order, for any mix of literal, wildcard and variable patterns.
 */
class RuleIndexTests {

	private static final String[] SEGMENTS = { "api", "v1", "v2", "users", "orders", "ai", "x", "" };

	private static final String[] PATTERN_PARTS = { "api", "v1", "v2", "users", "orders", "ai", "*", "**", "{id}",
			"x*" };

	@Test
	void findsTheSameRulesAsAScanOfEveryRule() {
		Random random = new Random(20261123L);
		for (int round = 0; round < 50; round++) {
			List<RateLimitRule> rules = new ArrayList<>();
			for (int i = 0; i < 1 + random.nextInt(60); i++) {
				rules.add(rule("r" + i, randomPattern(random), random.nextInt(4) == 0 ? Set.of("POST") : Set.of()));
			}
			RuleIndex index = new RuleIndex(rules);
			for (int probe = 0; probe < 200; probe++) {
				PathContainer path = RequestPath.parse(randomPath(random), null).pathWithinApplication();
				String method = random.nextBoolean() ? "GET" : "POST";
				assertThat(index.match(path, method)).as(path.value() + " " + method)
					.containsExactlyElementsOf(scan(rules, path, method));
			}
		}
	}

	@Test
	void aRuleWithSeveralMatchingPathsAppearsOnce() {
		RateLimitRule rule = new RateLimitRule(policy("both"),
				List.of(PathPatternParser.defaultInstance.parse("/api/**"),
						PathPatternParser.defaultInstance.parse("/api/ai/**")),
				Set.of(), (request) -> "k", null, Set.of());
		RuleIndex index = new RuleIndex(List.of(rule));
		assertThat(index.match(RequestPath.parse("/api/ai/complete", null).pathWithinApplication(), "GET"))
			.containsExactly(rule);
	}

	private static List<RateLimitRule> scan(List<RateLimitRule> rules, PathContainer path, String method) {
		List<RateLimitRule> matching = new ArrayList<>();
		for (RateLimitRule rule : rules) {
			if (rule.coversMethod(method) && rule.paths().stream().anyMatch((pattern) -> pattern.matches(path))) {
				matching.add(rule);
			}
		}
		return matching;
	}

	private static String randomPattern(Random random) {
		StringBuilder pattern = new StringBuilder();
		int depth = 1 + random.nextInt(4);
		for (int i = 0; i < depth; i++) {
			String part = PATTERN_PARTS[random.nextInt(PATTERN_PARTS.length)];
			if (part.equals("{id}")) {
				part = "{id" + i + "}";
			}
			pattern.append('/').append(part);
			if (part.equals("**")) {
				break;
			}
		}
		return pattern.toString();
	}

	private static String randomPath(Random random) {
		StringBuilder path = new StringBuilder();
		int depth = 1 + random.nextInt(5);
		for (int i = 0; i < depth; i++) {
			path.append('/').append(SEGMENTS[random.nextInt(SEGMENTS.length)]);
		}
		return path.toString();
	}

	private static RateLimitRule rule(String name, String pattern, Set<String> methods) {
		PathPattern parsed = PathPatternParser.defaultInstance.parse(pattern);
		return new RateLimitRule(policy(name), List.of(parsed), methods, (request) -> "k", null, Set.of());
	}

	private static RateLimitPolicy policy(String name) {
		return RateLimitPolicy.of(name, RateLimitAlgorithm.TOKEN_BUCKET, RateLimit.of(1, Duration.ofSeconds(1)));
	}

}
