package dev.scalability.ratelimit.web;

import dev.scalability.ratelimit.annotation.RateLimited;
import org.junit.jupiter.api.Test;

import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

import static org.hamcrest.Matchers.matchesPattern;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * A {@code @RateLimited} method called from a controller: Spring MVC answers the
 * exception with the same 429 as the filter.
 */
class RateLimitExceptionHandlerTests {

	@Test
	void aRateLimitedMethodOverItsLimitAnswers429WithAProblem() {
		RateLimitWebTestSupport.contextRunner()
			.withUserConfiguration(Quotes.class, QuoteController.class)
			.run((context) -> {
				MockMvc mvc = RateLimitWebTestSupport.mockMvc(context);
				mvc.perform(get("/quotes/acme")).andExpect(status().isOk());
				mvc.perform(get("/quotes/acme"))
					.andExpect(status().isTooManyRequests())
					.andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
					.andExpect(header().string("Retry-After", matchesPattern("[1-9][0-9]*")))
					.andExpect(header().string("RateLimit-Policy", "\"quotes\";q=1;w=60"))
					.andExpect(jsonPath("$.type").value(RateLimitProblems.QUOTA_EXCEEDED_TYPE))
					.andExpect(jsonPath("$.violated-policies[0]").value("quotes"))
					.andExpect(jsonPath("$.instance").value("/quotes/acme"));
				mvc.perform(get("/quotes/globex")).andExpect(status().isOk());
			});
	}

	static class Quotes {

		@RateLimited(limit = 1, window = "1m", key = "#customer", name = "quotes")
		public String quote(String customer) {
			return "quote for " + customer;
		}

	}

	@RestController
	static class QuoteController {

		private final Quotes quotes;

		QuoteController(Quotes quotes) {
			this.quotes = quotes;
		}

		@GetMapping("/quotes/{customer}")
		String quote(@PathVariable String customer) {
			return this.quotes.quote(customer);
		}

	}

}
