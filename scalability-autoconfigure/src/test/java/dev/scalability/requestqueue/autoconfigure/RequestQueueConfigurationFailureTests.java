package dev.scalability.requestqueue.autoconfigure;

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
 * A value the queue cannot work with stops the start-up, and the failure analysis names
 * the property and says what to write instead.
 */
class RequestQueueConfigurationFailureTests {

	private final WebApplicationContextRunner contextRunner = new WebApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(ScalabilityAutoConfiguration.class, RequestQueueAutoConfiguration.class));

	@ParameterizedTest(name = "{0}={1}")
	@CsvSource(delimiter = '|', textBlock = """
			max-concurrent                      | 0          | max-concurrent                | at least 1
			max-queue                           | -1         | max-queue                     | must not be negative
			max-wait                            | 0s         | max-wait                      | must be positive
			request-timeout                     | -1s        | request-timeout               | must be positive
			memory-pressure.heap-threshold      | 1.5        | memory-pressure.heap-threshold | at most 1
			memory-pressure.heap-threshold      | 0          | memory-pressure.heap-threshold | above 0
			circuit-breaker.failure-rate        | 0          | circuit-breaker.failure-rate  | between 1 and 100
			circuit-breaker.window              | 0          | circuit-breaker.window        | at least 1
			circuit-breaker.open-for            | 0s         | circuit-breaker.open-for      | must be positive
			standing-queue.target               | 0ms        | standing-queue.target         | must be positive
			routes[0].paths                     | /api/{oops | routes[0].paths[0]            | not a valid path pattern
			routes[0].methods                   | FETCH      | routes[0].methods[0]          | not an HTTP method
			routes[0].timeout                   | 0s         | routes[0].timeout             | must be positive
			bypass                              | /x/{oops   | bypass[0]                     | not a valid path pattern
			""")
	void aWrongValueStopsTheStartUpNamingTheProperty(String property, String value, String named, String reason) {
		this.contextRunner
			.withPropertyValues("scalability.request-queue.routes[0].paths=/api/**",
					"scalability.request-queue." + property + "=" + value)
			.run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("scalability.request-queue." + named).contains(reason);
				assertThat(analysis.getAction()).isNotBlank();
			});
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', textBlock = """
			a floor above the ceiling | min-concurrent=20 | min-concurrent | at most max-concurrent
			a floor of zero           | min-concurrent=0  | min-concurrent | at least 1
			""")
	void anAdaptiveLimitOutOfItsBoundsStopsTheStartUp(String what, String setting, String named, String reason) {
		this.contextRunner
			.withPropertyValues("scalability.request-queue.adaptive=true", "scalability.request-queue." + setting)
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(analyze(context.getStartupFailure()).getDescription())
					.contains("scalability.request-queue." + named)
					.contains(reason);
			});
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', textBlock = """
			a route without paths     | routes[0].priority=high  | routes[0].paths | covers no path
			""")
	void aRouteWithoutPathsStopsTheStartUp(String what, String setting, String named, String reason) {
		this.contextRunner.withPropertyValues("scalability.request-queue." + setting).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(analyze(context.getStartupFailure()).getDescription())
				.contains("scalability.request-queue." + named)
				.contains(reason);
		});
	}

	private static FailureAnalysis analyze(Throwable failure) {
		List<FailureAnalyzer> analyzers = SpringFactoriesLoader
			.forDefaultResourceLocation(RequestQueueConfigurationFailureTests.class.getClassLoader())
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
