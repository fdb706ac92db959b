package dev.scalability.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import dev.scalability.ratelimit.RateLimit;
import dev.scalability.ratelimit.RateLimitAlgorithm;
import dev.scalability.ratelimit.RateLimitKey;
import dev.scalability.ratelimit.RateLimitPolicy;
import dev.scalability.ratelimit.web.RateLimitRule;
import dev.scalability.web.PathIndex;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import org.springframework.http.server.PathContainer;
import org.springframework.http.server.RequestPath;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * Finding the rules that cover a request: the starter's {@link PathIndex} against the
 * linear scan over every pattern that a hand-written filter would do.
 * <p>
 * The rules are two catch-alls ({@code /**} for every method, first, and {@code /**} for
 * writes, last) around specific rules on distinct literal prefixes, alternately
 * {@code /api/v<n>/items/**} and {@code /svc<n>/**}. The {@code middleRule} path is covered
 * by the {@code /api} rule half-way down the list and by the first catch-all; the
 * {@code catchAllOnly} path by that catch-all alone. Both implementations must return every
 * rule that covers the request, so the scan can never stop early.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
@State(Scope.Benchmark)
public class RuleMatchingBenchmark {

	private static final String METHOD = "GET";

	@Param({ "5", "50", "500" })
	public int rules;

	@Param({ "middleRule", "catchAllOnly" })
	public String path;

	private List<RateLimitRule> declared;

	private PathIndex<RateLimitRule> index;

	private PathContainer requestPath;

	@Setup(Level.Trial)
	public void compile() {
		int specificRules = this.rules - 2;
		this.declared = new ArrayList<>(this.rules);
		this.declared.add(rule("everything", "/**", Set.of()));
		for (int n = 0; n < specificRules; n++) {
			this.declared.add(rule("rule-" + n, (n % 2 == 0) ? "/api/v" + n + "/items/**" : "/svc" + n + "/**", Set.of()));
		}
		this.declared.add(rule("writes", "/**", Set.of("POST", "PUT", "PATCH", "DELETE")));
		this.index = new PathIndex<>(this.declared.stream().map(RateLimitRule::route).toList());

		// Rounded down to an even number, so that the path always has the /api shape.
		int middle = (specificRules / 2) & ~1;
		String uri = "middleRule".equals(this.path) ? "/api/v" + middle + "/items/42" : "/static/css/site.css";
		// The filter parses the path once for whichever lookup it uses.
		this.requestPath = RequestPath.parse(uri, null).pathWithinApplication();
		int expected = "middleRule".equals(this.path) ? 2 : 1;
		if (ruleIndex().size() != expected || linearScan().size() != expected) {
			throw new IllegalStateException("Expected " + expected + " rules to match " + uri);
		}
	}

	private static RateLimitRule rule(String name, String pattern, Set<String> methods) {
		RateLimitPolicy policy = RateLimitPolicy.of(name, RateLimitAlgorithm.TOKEN_BUCKET,
				RateLimit.of(100, Duration.ofSeconds(1)));
		List<PathPattern> paths = List.of(PathPatternParser.defaultInstance.parse(pattern));
		return new RateLimitRule(policy, paths, methods, (request) -> RateLimitKey.web("ip", "127.0.0.1"), null,
				Set.of(), false);
	}

	@Benchmark
	public List<RateLimitRule> ruleIndex() {
		return this.index.matchAll(this.requestPath, METHOD);
	}

	@Benchmark
	public List<RateLimitRule> linearScan() {
		List<RateLimitRule> matching = new ArrayList<>();
		for (RateLimitRule rule : this.declared) {
			if (!rule.methods().isEmpty() && !rule.methods().contains(METHOD)) {
				continue;
			}
			for (PathPattern pattern : rule.paths()) {
				if (pattern.matches(this.requestPath)) {
					matching.add(rule);
					break;
				}
			}
		}
		return matching;
	}

}
