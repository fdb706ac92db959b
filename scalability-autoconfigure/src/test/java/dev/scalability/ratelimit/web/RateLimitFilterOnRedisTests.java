package dev.scalability.ratelimit.web;

import dev.scalability.test.redis.RedisEndpoint;
import dev.scalability.test.redis.RedisTest;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.test.web.servlet.MockMvc;

import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * The filter on the Redis backend: two applications share one quota.
 */
@RedisTest
class RateLimitFilterOnRedisTests {

	private static final String RULE = "scalability.rate-limit.rules[0].";

	private final WebApplicationContextRunner contextRunner = RateLimitWebTestSupport.contextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class))
		.withPropertyValues("scalability.backend=redis", "scalability.redis.key-prefix=web-" + System.nanoTime() + ":",
				RULE + "name=ai", RULE + "paths=/api/ai/**", RULE + "limit=2", RULE + "window=1h");

	@Test
	void twoApplicationsShareOneQuota(RedisEndpoint redis) {
		WebApplicationContextRunner runner = this.contextRunner.withPropertyValues(redis.springProperties());
		runner.run((first) -> runner.run((second) -> {
			MockMvc one = RateLimitWebTestSupport.mockMvc(first);
			MockMvc two = RateLimitWebTestSupport.mockMvc(second);
			one.perform(post("/api/ai/complete")).andExpect(status().isOk());
			two.perform(post("/api/ai/complete")).andExpect(status().isOk());
			one.perform(post("/api/ai/complete")).andExpect(status().isTooManyRequests());
			two.perform(post("/api/ai/complete")).andExpect(status().isTooManyRequests());
		}));
	}

}
