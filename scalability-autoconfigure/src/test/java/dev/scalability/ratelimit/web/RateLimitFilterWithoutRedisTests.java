package dev.scalability.ratelimit.web;

import dev.scalability.test.redis.UnreachableRedis;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;

import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * The filter on the Redis backend while Redis is unreachable: the fail-mode decides what
 * clients see.
 */
class RateLimitFilterWithoutRedisTests {

	private static final String RULE = "scalability.rate-limit.rules[0].";

	private final WebApplicationContextRunner contextRunner = RateLimitWebTestSupport.contextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class))
		.withPropertyValues("scalability.backend=redis", "scalability.redis.warm-up-timeout=100ms", RULE + "name=ai",
				RULE + "paths=/api/ai/**", RULE + "limit=2", RULE + "window=1h")
		.withPropertyValues(UnreachableRedis.springProperties());

	@Test
	void closedFailModeAnswers503WhileRedisIsUnreachable() {
		this.contextRunner.withPropertyValues("scalability.rate-limit.fail-mode=closed",
				"scalability.rate-limit.redis.circuit-breaker.open-for=7s")
			.run((context) -> {
				MockMvc mvc = RateLimitWebTestSupport.mockMvc(context);
				mvc.perform(post("/api/ai/complete"))
					.andExpect(status().isServiceUnavailable())
					.andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
					.andExpect(header().string("Retry-After", "7"))
					.andExpect(jsonPath("$.status").value(503));
				mvc.perform(post("/api/hello")).andExpect(status().isMethodNotAllowed());
			});
	}

	@Test
	void localFailModeKeepsLimitingWhileRedisIsUnreachable() {
		this.contextRunner.run((context) -> {
			MockMvc mvc = RateLimitWebTestSupport.mockMvc(context);
			mvc.perform(post("/api/ai/complete")).andExpect(status().isOk());
			mvc.perform(post("/api/ai/complete")).andExpect(status().isOk());
			mvc.perform(post("/api/ai/complete")).andExpect(status().isTooManyRequests());
		});
	}

	@Test
	void openFailModeLetsEveryRequestThroughWhileRedisIsUnreachable() {
		this.contextRunner.withPropertyValues("scalability.rate-limit.fail-mode=open")
			.run((context) -> {
				MockMvc mvc = RateLimitWebTestSupport.mockMvc(context);
				for (int i = 0; i < 5; i++) {
					mvc.perform(post("/api/ai/complete")).andExpect(status().isOk());
				}
			});
	}

}
