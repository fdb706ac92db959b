package dev.scalability.autoconfigure;

import dev.scalability.redis.InstanceRegistry;
import dev.scalability.redis.RedisConnectionProbe;
import dev.scalability.test.redis.RedisEndpoint;
import dev.scalability.test.redis.RedisTest;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

@RedisTest
class ScalabilityOnRedisTests {

	@Test
	void aRedisBackendIsWarmedUpAndProbedAndEachInstanceCountsTheOthers(RedisEndpoint redis) {
		ApplicationContextRunner runner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(ScalabilityAutoConfiguration.class,
					DataRedisAutoConfiguration.class))
			.withPropertyValues("scalability.backend=redis",
					"scalability.redis.key-prefix=instances-" + System.nanoTime() + ":")
			.withPropertyValues(redis.springProperties());
		runner.run((first) -> {
			assertThat(first).hasNotFailed().hasSingleBean(RedisConnectionProbe.class);
			assertThat(first.getBean(RedisConnectionProbe.class).probe().reachable()).isTrue();
			assertThat(first.getBean(InstanceRegistry.class).instances()).isEqualTo(1);
			runner.run((second) -> {
				assertThat(second.getBean(InstanceRegistry.class).instances()).isEqualTo(2);
				assertThat(second.getBean(InstanceRegistry.class).id())
					.isNotEqualTo(first.getBean(InstanceRegistry.class).id());
			});
			// The second left when it stopped.
			first.getBean(InstanceRegistry.class).heartbeat();
			assertThat(first.getBean(InstanceRegistry.class).instances()).isEqualTo(1);
		});
	}

}
