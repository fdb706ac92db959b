package dev.scalability.ratelimit.web;

import java.util.Map;

import dev.scalability.ratelimit.AcquireMode;
import dev.scalability.ratelimit.RateLimitDecision;
import dev.scalability.ratelimit.RateLimitKey;
import dev.scalability.ratelimit.RateLimitPolicy;
import dev.scalability.ratelimit.RateLimiter;
import dev.scalability.ratelimit.RateLimiterService;
import dev.scalability.ratelimit.RateLimiterUnavailableException;
import dev.scalability.ratelimit.memory.MemoryRateLimiter;
import dev.scalability.time.MonotonicClock;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.assertj.AssertableWebApplicationContext;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.test.web.servlet.MockMvc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * What a request took is settled once, when it ends: a refused request is charged to no
 * rule, whoever refused it, and {@code count-status} gives back what it does not count,
 * also when the handler throws.
 */
class RateLimitSettlementTests {

	private static final String LOGIN = "scalability.rate-limit.rules[0].";

	private static final String GLOBAL = "scalability.rate-limit.rules[1].";

	private static final RateLimitKey CLIENT = RateLimitKey.web("ip", "127.0.0.1");

	private final WebApplicationContextRunner contextRunner = RateLimitWebTestSupport.contextRunner()
		.withPropertyValues(LOGIN + "name=login", LOGIN + "paths=/api/auth/**", LOGIN + "limit=5",
				LOGIN + "window=1h", GLOBAL + "name=global", GLOBAL + "paths=/**", GLOBAL + "limit=1",
				GLOBAL + "window=1h");

	@Test
	void aRequestRefusedByALaterRuleGivesBackWhatTheEarlierRulesTook() {
		this.contextRunner.run((context) -> {
			MockMvc mvc = RateLimitWebTestSupport.mockMvc(context);
			mvc.perform(post("/api/auth/login")).andExpect(status().isOk());
			for (int i = 0; i < 10; i++) {
				mvc.perform(post("/api/auth/login")).andExpect(status().isTooManyRequests());
			}
			assertThat(left(context, "login")).as("only the request that passed counts").isEqualTo(4);
		});
	}

	@Test
	void aRefusalGivesBackWhatACountStatusRuleTookToo() {
		this.contextRunner.withPropertyValues(LOGIN + "count-status=401").run((context) -> {
			MockMvc mvc = RateLimitWebTestSupport.mockMvc(context);
			mvc.perform(post("/api/auth/login?ok=false")).andExpect(status().isUnauthorized());
			for (int i = 0; i < 10; i++) {
				mvc.perform(post("/api/auth/login?ok=false")).andExpect(status().isTooManyRequests());
			}
			assertThat(left(context, "login")).isEqualTo(4);
		});
	}

	@Test
	void aRequestAnswered503BecauseNoDecisionCanBeMadeGivesBackWhatItTook() {
		MemoryRateLimiter memory = new MemoryRateLimiter(1_000, MonotonicClock.system());
		this.contextRunner.withBean(RateLimiter.class, () -> new GlobalUnavailable(memory)).run((context) -> {
			MockMvc mvc = RateLimitWebTestSupport.mockMvc(context);
			for (int i = 0; i < 10; i++) {
				mvc.perform(post("/api/auth/login")).andExpect(status().isServiceUnavailable());
			}
			assertThat(left(context, "login")).isEqualTo(5);
		});
	}

	@Test
	void aCountStatusRuleGivesBackWhatAFailingHandlerTook() {
		RateLimitWebTestSupport.contextRunner()
			.withPropertyValues(LOGIN + "name=login", LOGIN + "paths=/api/auth/**", LOGIN + "limit=1",
					LOGIN + "window=1h", LOGIN + "count-status=401")
			.run((context) -> {
				MockMvc mvc = RateLimitWebTestSupport.mockMvc(context);
				for (int i = 0; i < 3; i++) {
					assertThatException().isThrownBy(() -> mvc.perform(post("/api/auth/broken-login")))
						.withRootCauseInstanceOf(IllegalStateException.class);
				}
				mvc.perform(post("/api/auth/login?ok=false")).andExpect(status().isUnauthorized());
				mvc.perform(post("/api/auth/login?ok=false")).andExpect(status().isTooManyRequests());
			});
	}

	private static long left(AssertableWebApplicationContext context, String rule) {
		RateLimiterService service = context.getBean(RateLimiterService.class);
		RateLimitPolicy policy = service.policy(rule).orElseThrow();
		// A check takes nothing and answers what would be left after one more.
		return service.acquire(policy, CLIENT, 1, AcquireMode.CHECK).remaining() + 1;
	}

	/**
	 * A backend that cannot decide for the rule 'global', as with fail-mode closed and
	 * Redis gone, and decides in memory for the others.
	 */
	private record GlobalUnavailable(MemoryRateLimiter memory) implements RateLimiter {

		@Override
		public RateLimitDecision acquire(RateLimitPolicy policy, String key, long permits, AcquireMode mode) {
			if (policy.name().equals("global") && mode != AcquireMode.REFUND) {
				throw new RateLimiterUnavailableException("global", new IllegalStateException("Redis is gone"));
			}
			return this.memory.acquire(policy, key, permits, mode);
		}

		@Override
		public String backend() {
			return "memory";
		}

		@Override
		public Map<String, Object> details() {
			return Map.of();
		}

	}

}
