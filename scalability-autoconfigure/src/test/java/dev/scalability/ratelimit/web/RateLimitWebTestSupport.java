package dev.scalability.ratelimit.web;

import java.util.concurrent.Callable;

import dev.scalability.autoconfigure.ScalabilityAutoConfiguration;
import dev.scalability.ratelimit.autoconfigure.RateLimitAutoConfiguration;
import dev.scalability.test.time.ManualClock;
import dev.scalability.test.web.RemoteAddress;
import dev.scalability.time.MonotonicClock;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.http.converter.autoconfigure.HttpMessageConvertersAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.RequestPostProcessor;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.WebApplicationContext;

/**
 * A web application with the starter and a few endpoints, driven through MockMvc with the
 * rate-limit filter in front, as the servlet container would put it.
 */
final class RateLimitWebTestSupport {

	private RateLimitWebTestSupport() {
	}

	/**
	 * The application, on a clock that stands still unless a test moves it (a
	 * {@link ManualClock} bean), so that nothing depends on how fast the test runs.
	 * @return the runner
	 */
	static WebApplicationContextRunner contextRunner() {
		return new WebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(ScalabilityAutoConfiguration.class,
					RateLimitAutoConfiguration.class, WebMvcAutoConfiguration.class,
					HttpMessageConvertersAutoConfiguration.class, JacksonAutoConfiguration.class))
			.withUserConfiguration(StandingClock.class, Endpoints.class);
	}

	/**
	 * MockMvc with both rate-limit filters, in their order.
	 * @param context the application
	 * @return MockMvc
	 */
	@SuppressWarnings("unchecked")
	static MockMvc mockMvc(WebApplicationContext context) {
		FilterRegistrationBean<RateLimitFilter> before = context.getBean("rateLimitFilter",
				FilterRegistrationBean.class);
		FilterRegistrationBean<RateLimitFilter> after = context.getBean("rateLimitAuthenticatedFilter",
				FilterRegistrationBean.class);
		return MockMvcBuilders.webAppContextSetup(context).addFilters(before.getFilter(), after.getFilter()).build();
	}

	static RequestPostProcessor from(String remoteAddress) {
		return RemoteAddress.from(remoteAddress);
	}

	@Configuration(proxyBeanMethods = false)
	static class StandingClock {

		@Bean
		ManualClock manualClock() {
			return new ManualClock();
		}

		@Bean
		MonotonicClock clock(ManualClock manualClock) {
			return manualClock::nanos;
		}

	}

	@RestController
	static class Endpoints {

		@GetMapping("/api/hello")
		String hello() {
			return "hello";
		}

		@PostMapping("/api/ai/complete")
		String complete() {
			return "completed";
		}

		@GetMapping("/api/ai/models")
		String models() {
			return "models";
		}

		@PostMapping("/api/auth/async-login")
		Callable<ResponseEntity<String>> asyncLogin(@RequestParam(defaultValue = "true") boolean ok) {
			return () -> login(ok);
		}

		@PostMapping("/api/auth/login")
		ResponseEntity<String> login(@RequestParam(defaultValue = "true") boolean ok) {
			return ok ? ResponseEntity.ok("welcome") : ResponseEntity.status(HttpStatus.UNAUTHORIZED).body("denied");
		}

		@PostMapping("/api/auth/broken-login")
		String brokenLogin() {
			throw new IllegalStateException("the user store is down");
		}

	}

}
