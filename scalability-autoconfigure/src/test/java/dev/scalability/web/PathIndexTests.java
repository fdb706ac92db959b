package dev.scalability.web;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;

import org.springframework.http.server.PathContainer;
import org.springframework.http.server.RequestPath;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The index finds exactly the routes a scan of every route would find, in declaration
 * order, for any mix of literal, wildcard and variable patterns; and the first of them.
 */
class PathIndexTests {

	private static final String[] SEGMENTS = { "api", "v1", "v2", "users", "orders", "ai", "x", "" };

	private static final String[] PATTERN_PARTS = { "api", "v1", "v2", "users", "orders", "ai", "*", "**", "{id}",
			"x*" };

	@Test
	void findsTheSameRoutesAsAScanOfEveryRoute() {
		Random random = new Random(20261123L);
		for (int round = 0; round < 50; round++) {
			List<Route<String>> routes = new ArrayList<>();
			for (int i = 0; i < 1 + random.nextInt(60); i++) {
				routes.add(route("r" + i, randomPattern(random), random.nextInt(4) == 0 ? Set.of("POST") : Set.of()));
			}
			PathIndex<String> index = new PathIndex<>(routes);
			for (int probe = 0; probe < 200; probe++) {
				PathContainer path = RequestPath.parse(randomPath(random), null).pathWithinApplication();
				String method = random.nextBoolean() ? "GET" : "POST";
				List<String> expected = scan(routes, path, method);
				assertThat(index.matchAll(path, method)).as(path.value() + " " + method)
					.containsExactlyElementsOf(expected);
				assertThat(index.matchFirst(path, method)).as("first of " + path.value() + " " + method)
					.isEqualTo(expected.isEmpty() ? null : expected.get(0));
			}
		}
	}

	@Test
	void aRouteWithSeveralMatchingPathsAppearsOnce() {
		Route<String> both = new Route<>(List.of(PathPatternParser.defaultInstance.parse("/api/**"),
				PathPatternParser.defaultInstance.parse("/api/ai/**")), Set.of(), "both");
		PathIndex<String> index = new PathIndex<>(List.of(both));
		assertThat(index.matchAll(RequestPath.parse("/api/ai/complete", null).pathWithinApplication(), "GET"))
			.containsExactly("both");
	}

	@Test
	void aRequestsPathIsParsedOnceForEveryFilterAndAgainAfterAForward() {
		MockHttpServletRequest request = new MockHttpServletRequest("GET", "/app/api/orders/7");
		request.setContextPath("/app");
		PathContainer first = PathIndex.pathOf(request);
		assertThat(first.value()).isEqualTo("/api/orders/7");
		assertThat(PathIndex.pathOf(request)).isSameAs(first);
		request.setRequestURI("/app/api/receipts/7");
		assertThat(PathIndex.pathOf(request).value()).isEqualTo("/api/receipts/7");
	}

	@Test
	void aRouteOnGetCoversHead() {
		PathIndex<String> index = new PathIndex<>(
				List.of(new Route<>(List.of(PathPatternParser.defaultInstance.parse("/api/**")), Set.of("GET"), "get")));
		PathContainer path = RequestPath.parse("/api/x", null).pathWithinApplication();
		assertThat(index.matchFirst(path, "HEAD")).isEqualTo("get");
		assertThat(index.matchFirst(path, "POST")).isNull();
	}

	@Test
	void aRequestIsMatchedByItsPathStringAsItsParsedPathWouldBe() {
		String[] patternParts = { "api", "v1", "Users", "orders.json", "a-b_c~d" };
		String[] uriParts = { "api", "API", "v1", "Users", "users", "orders.json", "a-b_c~d", "", "x", "v1;jsessionid=1",
				"%61pi", "v%31", "Users%2F", "." };
		List<Set<String>> methods = List.of(Set.of(), Set.of(), Set.of("GET"), Set.of("POST"));
		String[] requestMethods = { "GET", "POST", "HEAD" };
		PathPatternParser caseInsensitive = new PathPatternParser();
		caseInsensitive.setCaseSensitive(false);
		Random random = new Random(20261130L);
		int matchedAsStrings = 0;
		for (int round = 0; round < 200; round++) {
			List<Route<String>> routes = new ArrayList<>();
			boolean caseSensitive = true;
			for (int i = 0; i < 1 + random.nextInt(6); i++) {
				StringBuilder pattern = new StringBuilder();
				for (int depth = 0; depth < 1 + random.nextInt(3); depth++) {
					pattern.append('/').append(patternParts[random.nextInt(patternParts.length)]);
				}
				if (random.nextBoolean()) {
					pattern.append("/**");
				}
				PathPatternParser parser = PathPatternParser.defaultInstance;
				if (random.nextInt(8) == 0) {
					parser = caseInsensitive;
					caseSensitive = false;
				}
				routes.add(new Route<>(List.of(parser.parse(pattern.toString())),
						methods.get(random.nextInt(methods.size())), "r" + i));
			}
			PathIndex<String> index = new PathIndex<>(routes);
			for (int probe = 0; probe < 100; probe++) {
				String contextPath = random.nextBoolean() ? "" : "/app";
				StringBuilder uri = new StringBuilder(contextPath);
				for (int depth = 0; depth < random.nextInt(5); depth++) {
					uri.append('/').append(uriParts[random.nextInt(uriParts.length)]);
				}
				if (uri.isEmpty() || random.nextInt(6) == 0) {
					uri.append('/');
				}
				String method = requestMethods[random.nextInt(requestMethods.length)];
				MockHttpServletRequest request = new MockHttpServletRequest(method, uri.toString());
				request.setContextPath(contextPath);
				PathContainer parsed = RequestPath.parse(uri.toString(), contextPath).pathWithinApplication();
				List<String> expected = scan(routes, parsed, method);
				assertThat(index.matchAll(request)).as(method + " " + uri + " against " + routes)
					.containsExactlyElementsOf(expected);
				assertThat(index.matchFirst(request)).as("first, " + method + " " + uri + " against " + routes)
					.isEqualTo(expected.isEmpty() ? null : expected.get(0));
				if (caseSensitive && uri.toString().substring(contextPath.length()).matches("(/[A-Za-z0-9._~-]+)+/?")) {
					assertThat(request.getAttributeNames().hasMoreElements())
						.as(uri + " matched as a string, without parsing it")
						.isFalse();
					matchedAsStrings++;
				}
			}
		}
		assertThat(matchedAsStrings).isGreaterThan(1_000);
	}

	@Test
	void aPlainRequestPathIsMatchedWithoutParsingIt() {
		PathIndex<String> index = new PathIndex<>(List.of(route("hello", "/api/hello", Set.of()),
				route("api", "/api/**", Set.of("GET"))));
		MockHttpServletRequest plain = new MockHttpServletRequest("GET", "/api/hello");
		assertThat(index.matchAll(plain)).containsExactly("hello", "api");
		assertThat(PathIndex.plainPathWithinApplication(plain)).isEqualTo("/api/hello");
		assertThat(plain.getAttributeNames().hasMoreElements()).as("nothing parsed nor kept on the request").isFalse();
		MockHttpServletRequest encoded = new MockHttpServletRequest("GET", "/api/hell%6F");
		assertThat(PathIndex.plainPathWithinApplication(encoded)).isNull();
		assertThat(index.matchAll(encoded)).containsExactly("hello", "api");
	}

	private static List<String> scan(List<Route<String>> routes, PathContainer path, String method) {
		List<String> matching = new ArrayList<>();
		for (Route<String> route : routes) {
			if (route.coversMethod(method) && route.paths().stream().anyMatch((pattern) -> pattern.matches(path))) {
				matching.add(route.value());
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

	private static Route<String> route(String name, String pattern, Set<String> methods) {
		PathPattern parsed = PathPatternParser.defaultInstance.parse(pattern);
		return new Route<>(List.of(parsed), methods, name);
	}

}
