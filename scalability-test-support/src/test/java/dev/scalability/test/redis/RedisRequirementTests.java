package dev.scalability.test.redis;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RedisRequirementTests {

	@Test
	void missingRedisFailsTheTestOnCi() {
		RedisRequirement requirement = RedisRequirement.of(Map.of("CI", "true"), Map.of());

		assertThat(requirement.isRequired()).isTrue();
		assertThatThrownBy(() -> requirement.failOrSkip("none could be found", RedisRequirement.SHARED_REDIS_REMEDY))
			.isInstanceOf(AssertionFailedError.class)
			.hasMessageContaining("No Redis for this test: none could be found")
			.hasMessageContaining("CI=true")
			.hasMessageContaining("failure, not a skip");
	}

	@Test
	void missingRedisFailsTheTestWhenTheRequireRedisPropertyIsTrue() {
		RedisRequirement requirement = RedisRequirement.of(Map.of(),
				Map.of("scalability.test.require-redis", "true"));

		assertThatThrownBy(() -> requirement.failOrSkip("none could be found", RedisRequirement.SHARED_REDIS_REMEDY))
			.isInstanceOf(AssertionFailedError.class);
	}

	@Test
	void missingRedisSkipsTheTestElsewhereAndSaysHowToProvideOne() {
		// What the root pom passes outside CI.
		RedisRequirement requirement = RedisRequirement.of(Map.of("CI", "false"),
				Map.of("scalability.test.require-redis", "false"));

		assertThat(requirement.isRequired()).isFalse();
		assertThatThrownBy(() -> requirement.failOrSkip("none could be found", RedisRequirement.SHARED_REDIS_REMEDY))
			.isInstanceOf(TestAbortedException.class)
			.hasMessageContaining("install redis-server")
			.hasMessageContaining("SCALABILITY_TEST_REDIS_URL=redis://host:port")
			.hasMessageContaining("Docker");
	}

}
