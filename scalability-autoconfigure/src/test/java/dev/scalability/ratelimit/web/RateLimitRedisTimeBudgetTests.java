package dev.scalability.ratelimit.web;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.scalability.ratelimit.annotation.RateLimited;
import dev.scalability.test.redis.RedisServerProcess;
import dev.scalability.test.redis.TestRedis;
import jakarta.servlet.DispatcherType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.RequestPostProcessor;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * One request waits for a frozen Redis at most one timeout in all, however many rules
 * (before and after authentication) and rate-limited methods it meets: the first call
 * takes the request's whole budget, the others are decided by the fail-mode at once.
 */
class RateLimitRedisTimeBudgetTests {

	private static final Duration TIMEOUT = Duration.ofMillis(400);

	private RedisServerProcess redis;

	@BeforeEach
	void start() {
		TestRedis.requireRedisServerOnPath();
		this.redis = RedisServerProcess.start();
	}

	@AfterEach
	void stop() {
		this.redis.thaw();
		this.redis.close();
	}

	@Test
	void aRequestMeetingFourRulesAndARateLimitedMethodWaitsOneTimeoutInAll() {
		List<String> properties = new ArrayList<>(List.of("scalability.backend=redis",
				"scalability.redis.timeout=" + TIMEOUT.toMillis() + "ms", "spring.data.redis.timeout=10s"));
		for (int i = 0; i < 4; i++) {
			String rule = "scalability.rate-limit.rules[" + i + "].";
			properties.addAll(List.of(rule + "name=rule-" + i, rule + "paths=/budget/**", rule + "limit=100",
					rule + "window=1h", rule + "key=" + ((i == 3) ? "user" : "ip")));
		}
		RateLimitWebTestSupport.contextRunner()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class))
			.withUserConfiguration(Budgeted.class, BudgetController.class)
			.withPropertyValues(this.redis.endpoint().springProperties())
			.withPropertyValues(properties.toArray(String[]::new))
			.run((context) -> {
				MockMvc mvc = RateLimitWebTestSupport.mockMvc(context);
				mvc.perform(get("/budget/call").principal(() -> "alice")).andExpect(status().isOk());
				this.redis.freeze();
				long start = System.nanoTime();
				mvc.perform(get("/budget/call").principal(() -> "alice")).andExpect(status().isOk());
				Duration waited = Duration.ofNanos(System.nanoTime() - start);
				// Five Redis calls, each given the whole timeout, would wait five times as long.
				assertThat(waited).isGreaterThanOrEqualTo(TIMEOUT).isLessThan(TIMEOUT.multipliedBy(2));
			});
	}

	@Test
	void aRequestNoRuleCoversWaitsOneTimeoutInAllForItsRateLimitedMethods() {
		assertFourRateLimitedCallsWaitOneTimeoutInAll((request) -> request);
	}

	@Test
	void aRequestTheQueueResumesWaitsOneTimeoutInAllForItsRateLimitedMethods() {
		// The queue resumes a request that waited with an asynchronous dispatch.
		assertFourRateLimitedCallsWaitOneTimeoutInAll((request) -> {
			request.setDispatcherType(DispatcherType.ASYNC);
			return request;
		});
	}

	private void assertFourRateLimitedCallsWaitOneTimeoutInAll(RequestPostProcessor dispatch) {
		RateLimitWebTestSupport.contextRunner()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class))
			.withUserConfiguration(Budgeted.class, BudgetController.class)
			.withPropertyValues(this.redis.endpoint().springProperties())
			// Exact decisions only: four calls a request make the key hot, and a lease in hand
			// would answer without Redis.
			.withPropertyValues("scalability.backend=redis", "scalability.redis.timeout=" + TIMEOUT.toMillis() + "ms",
					"spring.data.redis.timeout=10s", "scalability.rate-limit.leases=off")
			.run((context) -> {
				MockMvc mvc = RateLimitWebTestSupport.mockMvc(context);
				mvc.perform(get("/budget/four-calls")).andExpect(status().isOk());
				this.redis.freeze();
				long start = System.nanoTime();
				mvc.perform(get("/budget/four-calls").with(dispatch)).andExpect(status().isOk());
				Duration waited = Duration.ofNanos(System.nanoTime() - start);
				// Four Redis calls, each given the whole timeout, would wait four times as long.
				assertThat(waited).isGreaterThanOrEqualTo(TIMEOUT).isLessThan(TIMEOUT.multipliedBy(2));
			});
	}

	static class Budgeted {

		@RateLimited(limit = 100, window = "1h")
		public String work() {
			return "done";
		}

	}

	@RestController
	static class BudgetController {

		private final Budgeted budgeted;

		BudgetController(Budgeted budgeted) {
			this.budgeted = budgeted;
		}

		@GetMapping("/budget/call")
		String call() {
			return this.budgeted.work();
		}

		@GetMapping("/budget/four-calls")
		String fourCalls() {
			for (int i = 0; i < 3; i++) {
				this.budgeted.work();
			}
			return this.budgeted.work();
		}

	}

}
