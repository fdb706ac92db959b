package dev.scalability.events.autoconfigure;

import dev.scalability.autoconfigure.FailureAnalyses;
import dev.scalability.autoconfigure.ScalabilityAutoConfiguration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A value the bus cannot work with stops the start-up, and the failure analysis names the
 * property and says what to write instead.
 */
class EventsConfigurationFailureTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ScalabilityAutoConfiguration.class, EventsAutoConfiguration.class));

	@ParameterizedTest(name = "{0}={1}")
	@CsvSource(delimiter = '|', textBlock = """
			max-attempts          | 0    | at least 1
			backoff               | -1s  | must not be negative
			max-backoff           | 10ms | not be less than backoff
			retention             | 0    | at least 1
			dead-letter-retention | -5   | at least 1
			max-topics            | 0    | at least 1
			""")
	void aWrongValueStopsTheStartUpNamingTheProperty(String property, String value, String reason) {
		this.contextRunner.withPropertyValues("scalability.events." + property + "=" + value).run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = FailureAnalyses.analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains("scalability.events." + property).contains(reason);
			assertThat(analysis.getAction()).contains("scalability.events." + property).contains("such as");
		});
	}

}
