package dev.scalability.ratelimit.autoconfigure;

import java.util.List;

import dev.scalability.autoconfigure.ScalabilityAutoConfiguration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.core.io.support.SpringFactoriesLoader;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A wrong rule stops the start-up, and the failure analysis names the property, its
 * value and what to write instead.
 */
class RateLimitConfigurationFailureTests {

	private static final String RULE = "scalability.rate-limit.rules[0].";

	private final WebApplicationContextRunner contextRunner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ScalabilityAutoConfiguration.class, RateLimitAutoConfiguration.class))
		.withPropertyValues(RULE + "name=ai", RULE + "paths=/api/ai/**", RULE + "limit=10", RULE + "window=1m");

	@ParameterizedTest(name = "{0}={1}")
	@CsvSource(delimiter = '|', textBlock = """
			rules[0].algorithm                  | leaky-bucket          | rules[0].algorithm        | leaky-bucket
			rules[0].limit                      | 0                     | rules[0].limit            | at least 1
			rules[0].window                     | 0s                    | rules[0].window           | at least 1ms
			rules[0].burst                      | -1                    | rules[0].burst            | must not be negative
			rules[0].name                       | 'a b'                 | rules[0].name             | letters, digits
			rules[0].paths                      | /api/{oops            | rules[0].paths[0]         | not a valid path pattern
			rules[0].methods                    | FETCH                 | rules[0].methods[0]       | not an HTTP method
			rules[0].key                        | request.getHeader(    | rules[0].key              | not a valid SpEL
			rules[0].key                        | 'header:'             | rules[0].key              | header name
			rules[0].skip                       | request..x            | rules[0].skip             | not a valid SpEL
			rules[0].count-status               | 99                    | rules[0].count-status[0]  | not an HTTP status
			rules[0].penalty.after              | 0                     | rules[0].penalty.after    | at least 1
			rules[0].penalty.max-block          | 1s                    | rules[0].penalty.max-block | shorter than 'block'
			rules[0].limits[0].limit            | 5                     | rules[0].limits           | both
			client-ip.trusted-proxies           | 10.0.0.0/33           | client-ip.trusted-proxies[0] | prefix length
			client-ip.trusted-proxies           | proxy.internal        | client-ip.trusted-proxies[0] | not an IP address
			max-keys                            | 0                     | max-keys                  | at least 1
			client-ip.ipv6-prefix               | 129                   | client-ip.ipv6-prefix     | between 1 and 128
			rules[0].window                     | 1500us                | rules[0].window           | whole milliseconds
			""")
	void aWrongValueStopsTheStartUpNamingTheProperty(String property, String value, String named, String reason) {
		this.contextRunner.withPropertyValues("scalability.rate-limit." + property + "=" + value).run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = analyze(context.getStartupFailure());
			assertThat(analysis).as("a failure analysis").isNotNull();
			assertThat(analysis.getDescription()).contains("scalability.rate-limit." + named).contains(reason);
		});
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', textBlock = """
			a rule without a limit          | rules[1].name=other      | rules[1].limit  | no limit
			two rules with the same name    | rules[1].name=ai         | rules[1].name   | same name
			""")
	void aWrongRuleStopsTheStartUpNamingTheProperty(String what, String setting, String named, String reason) {
		this.contextRunner
			.withPropertyValues("scalability.rate-limit." + setting, "scalability.rate-limit.rules[1].paths=/x/**")
			.withPropertyValues(setting.startsWith("rules[1].name=ai")
					? new String[] { "scalability.rate-limit.rules[1].limit=1", "scalability.rate-limit.rules[1].window=1s" }
					: new String[0])
			.run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("scalability.rate-limit." + named).contains(reason);
				assertThat(analysis.getAction()).isNotBlank();
			});
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', textBlock = """
			burst outside the token bucket | rules[0].algorithm=fixed-window | rules[0].burst=5 | only the token bucket
			the same window twice          | rules[0].limits[0].limit=5      | rules[0].limits[1].limit=6 | same window
			""")
	void inconsistentLimitsStopTheStartUp(String what, String first, String second, String reason) {
		WebApplicationContextRunner runner = what.startsWith("the same window")
				? new WebApplicationContextRunner()
					.withConfiguration(
							AutoConfigurations.of(ScalabilityAutoConfiguration.class, RateLimitAutoConfiguration.class))
					.withPropertyValues(RULE + "name=ai", RULE + "limits[0].window=1m", RULE + "limits[1].window=60s")
				: this.contextRunner;
		runner.withPropertyValues("scalability.rate-limit." + first, "scalability.rate-limit." + second)
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(analyze(context.getStartupFailure()).getDescription()).contains(reason);
			});
	}

	private static FailureAnalysis analyze(Throwable failure) {
		// The analyzers that need a bean factory are of no use for these failures: skip them.
		List<FailureAnalyzer> analyzers = SpringFactoriesLoader
			.forDefaultResourceLocation(RateLimitConfigurationFailureTests.class.getClassLoader())
			.load(FailureAnalyzer.class, null, SpringFactoriesLoader.FailureHandler.handleMessage((message, ex) -> {
			}));
		for (FailureAnalyzer analyzer : analyzers) {
			FailureAnalysis analysis = analyzer.analyze(failure);
			if (analysis != null) {
				return analysis;
			}
		}
		throw new AssertionError("no failure analysis for " + failure, failure);
	}

}
