package dev.scalability.ratelimit.web;

import java.time.Duration;

import dev.scalability.ratelimit.AcquireMode;
import dev.scalability.ratelimit.RateLimitKey;
import dev.scalability.ratelimit.RateLimitPolicy;
import dev.scalability.ratelimit.RateLimiterService;
import dev.scalability.test.time.ManualClock;
import org.junit.jupiter.api.Test;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * A permit is given back only while it is still taken: a token bucket that recovered it on
 * its own while a slow request ran, and lent it to others since, gets nothing back, or it
 * would grant that permit twice.
 */
class RateLimitRefundTimingTests {

	private static final String LOGIN = "scalability.rate-limit.rules[0].";

	@Test
	void aSlowRequestsPermitThatTheBucketRecoveredMeanwhileIsNotGivenBackTwice() {
		RateLimitWebTestSupport.contextRunner()
			.withUserConfiguration(SlowLogin.class)
			.withPropertyValues(LOGIN + "name=login", LOGIN + "paths=/slow-login", LOGIN + "limit=2",
					LOGIN + "window=1m", LOGIN + "count-status=401")
			.run((context) -> {
				MockMvc mvc = RateLimitWebTestSupport.mockMvc(context);
				mvc.perform(post("/slow-login")).andExpect(status().isOk());
				RateLimiterService service = context.getBean(RateLimiterService.class);
				RateLimitPolicy login = service.policy("login").orElseThrow();
				assertThat(service.acquire(login, SlowLogin.CLIENT, 1, AcquireMode.CHECK).allowed())
					.as("the others took the whole bucket; the slow request's permit stays spent").isFalse();
			});
	}

	@RestController
	static class SlowLogin {

		static final RateLimitKey CLIENT = RateLimitKey.web("ip", "127.0.0.1");

		private final ManualClock clock;

		private final RateLimiterService service;

		SlowLogin(ManualClock clock, RateLimiterService service) {
			this.clock = clock;
			this.service = service;
		}

		/**
		 * Takes two minutes, during which the bucket fills up again and others from the same
		 * address empty it; succeeds, a status the rule does not count.
		 */
		@PostMapping("/slow-login")
		ResponseEntity<String> login() {
			this.clock.advance(Duration.ofMinutes(2));
			RateLimitPolicy login = this.service.policy("login").orElseThrow();
			assertThat(this.service.acquire(login, CLIENT, 2, AcquireMode.ACQUIRE).allowed()).isTrue();
			return ResponseEntity.status(HttpStatus.OK).body("welcome");
		}

	}

}
