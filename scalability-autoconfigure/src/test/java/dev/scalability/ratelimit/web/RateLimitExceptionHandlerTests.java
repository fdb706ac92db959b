package dev.scalability.ratelimit.web;

import dev.scalability.ratelimit.RateLimitExceededException;
import dev.scalability.ratelimit.annotation.RateLimited;
import org.junit.jupiter.api.Test;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.RequestPostProcessor;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.bind.annotation.RestControllerAdvice;

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

	@Test
	void theApplicationsOwnHandlerForTheSameExceptionWins() {
		RateLimitWebTestSupport.contextRunner()
			.withUserConfiguration(Quotes.class, QuoteController.class, ApplicationHandler.class)
			.run((context) -> {
				MockMvc mvc = RateLimitWebTestSupport.mockMvc(context);
				mvc.perform(get("/quotes/acme")).andExpect(status().isOk());
				mvc.perform(get("/quotes/acme"))
					.andExpect(status().isIAmATeapot())
					.andExpect(content().string("slow down, says the application"));
			});
	}

	@Test
	void aRefusalOnAPathThatIsNoValidUriIsStillA429() {
		RateLimitWebTestSupport.contextRunner()
			.withUserConfiguration(Quotes.class, QuoteController.class)
			.withPropertyValues("scalability.rate-limit.rules[0].name=odd", "scalability.rate-limit.rules[0].paths=/api/**",
					"scalability.rate-limit.rules[0].limit=1", "scalability.rate-limit.rules[0].window=1m")
			.run((context) -> {
				MockMvc mvc = RateLimitWebTestSupport.mockMvc(context);
				mvc.perform(get("/quotes/acme").with(rawUri("/quotes/a|b"))).andExpect(status().isOk());
				mvc.perform(get("/quotes/acme").with(rawUri("/quotes/a|b")))
					.andExpect(status().isTooManyRequests())
					.andExpect(jsonPath("$.type").value(RateLimitProblems.QUOTA_EXCEEDED_TYPE))
					.andExpect(jsonPath("$.instance").value("/quotes/a%7Cb"));
				mvc.perform(get("/api/hello").with(rawUri("/api/{x}|y"))).andExpect(status().is4xxClientError());
				mvc.perform(get("/api/hello").with(rawUri("/api/{x}|y")))
					.andExpect(status().isTooManyRequests())
					.andExpect(jsonPath("$.reason").value("quota-exceeded"))
					.andExpect(jsonPath("$.instance").value("/api/%7Bx%7D%7Cy"));
			});
	}

	private static RequestPostProcessor rawUri(String uri) {
		return (request) -> {
			request.setRequestURI(uri);
			return request;
		};
	}

	@RestControllerAdvice
	static class ApplicationHandler {

		@ExceptionHandler(RateLimitExceededException.class)
		ResponseEntity<String> slowDown(RateLimitExceededException ex) {
			return ResponseEntity.status(HttpStatus.I_AM_A_TEAPOT).body("slow down, says the application");
		}

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
