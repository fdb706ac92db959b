package dev.scalability.ratelimit.web;

import dev.scalability.ratelimit.RateLimiterService;
import dev.scalability.ratelimit.annotation.RateLimited;
import org.junit.jupiter.api.Test;

import org.springframework.test.web.servlet.MockMvc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * Keys from the web, from {@code @RateLimited} expressions and from code never collide: a
 * name that looks like a web key does not draw down that client's quota.
 */
class RateLimitKeyNamespacesTests {

	private static final String RULE = "scalability.rate-limit.rules[0].";

	@Test
	void aNameSpelledLikeAnAddressDoesNotUseThatAddresssQuota() {
		RateLimitWebTestSupport.contextRunner()
			.withPropertyValues(RULE + "name=ai", RULE + "paths=/api/ai/**", RULE + "limit=2", RULE + "window=1h")
			.withBean(Accounts.class)
			.run((context) -> {
				RateLimiterService service = context.getBean(RateLimiterService.class);
				Accounts accounts = context.getBean(Accounts.class);
				for (int i = 0; i < 5; i++) {
					service.tryAcquire("ai", "ip:203.0.113.7");
				}
				assertThat(accounts.open("ip:203.0.113.7")).isTrue();
				assertThat(accounts.open("ip:203.0.113.7")).isTrue();
				MockMvc mvc = RateLimitWebTestSupport.mockMvc(context);
				mvc.perform(post("/api/ai/complete").with(RateLimitWebTestSupport.from("203.0.113.7")))
					.andExpect(status().isOk());
				mvc.perform(post("/api/ai/complete").with(RateLimitWebTestSupport.from("203.0.113.7")))
					.andExpect(status().isOk());
				mvc.perform(post("/api/ai/complete").with(RateLimitWebTestSupport.from("203.0.113.7")))
					.andExpect(status().isTooManyRequests());
				assertThat(service.tryAcquire("ai", "ip:203.0.113.7").allowed()).isFalse();
			});
	}

	static class Accounts {

		@RateLimited(rule = "ai", key = "#name")
		public boolean open(String name) {
			return true;
		}

	}

}
