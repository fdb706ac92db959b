package dev.scalability.autoconfigure;

import dev.scalability.autoconfigure.RedisBackendUnavailableException.Reason;
import org.junit.jupiter.api.Test;

import org.springframework.boot.diagnostics.FailureAnalysis;

import static org.assertj.core.api.Assertions.assertThat;

class RedisBackendFailureAnalyzerTests {

	private final RedisBackendFailureAnalyzer analyzer = new RedisBackendFailureAnalyzer();

	@Test
	void missingSpringDataRedisTellsWhichDependencyToAdd() {
		FailureAnalysis analysis = this.analyzer
			.analyze(new RedisBackendUnavailableException("scalability.cache.backend", Reason.SPRING_DATA_REDIS_MISSING));
		assertThat(analysis.getDescription())
			.isEqualTo("The property 'scalability.cache.backend' is set to 'redis', but Spring Data Redis is not "
					+ "on the class path.");
		assertThat(analysis.getAction()).contains("org.springframework.boot:spring-boot-starter-data-redis")
			.contains("'scalability.cache.backend' to 'memory'");
	}

	@Test
	void missingConnectionFactoryTellsHowToGetOne() {
		FailureAnalysis analysis = this.analyzer
			.analyze(new RedisBackendUnavailableException("scalability.backend", Reason.CONNECTION_FACTORY_MISSING));
		assertThat(analysis.getDescription()).contains("no RedisConnectionFactory bean");
		assertThat(analysis.getAction()).contains("DataRedisAutoConfiguration")
			.contains("'scalability.backend' to 'memory'");
	}

	@Test
	void otherFailuresAreLeftToOtherAnalyzers() {
		assertThat(this.analyzer.analyze(new IllegalStateException("unrelated"))).isNull();
	}

}
