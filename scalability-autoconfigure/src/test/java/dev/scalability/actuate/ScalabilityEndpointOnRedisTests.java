package dev.scalability.actuate;

import java.util.Map;

import dev.scalability.actuate.autoconfigure.ScalabilityEndpointAutoConfiguration;
import dev.scalability.autoconfigure.ScalabilityAutoConfiguration;
import dev.scalability.test.redis.RedisEndpoint;
import dev.scalability.test.redis.RedisTest;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

@RedisTest
class ScalabilityEndpointOnRedisTests {

	@Test
	@SuppressWarnings("unchecked")
	void snapshotReportsRedisUpWithItsLatencyAndEvictionPolicy(RedisEndpoint redis) {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(ScalabilityAutoConfiguration.class,
					ScalabilityEndpointAutoConfiguration.class, DataRedisAutoConfiguration.class))
			.withPropertyValues("management.endpoints.web.exposure.include=scalability", "scalability.backend=redis")
			.withPropertyValues(redis.springProperties())
			.run((context) -> {
				Map<String, Object> backend = (Map<String, Object>) context.getBean(ScalabilityEndpoint.class)
					.snapshot()
					.get("backend");
				assertThat(backend).containsEntry("default", "redis");
				assertThat((Map<String, Object>) backend.get("redis")).containsEntry("status", "UP")
					.containsKey("latencyMs")
					.containsKey("maxmemoryPolicy");
			});
	}

}
