package dev.scalability.ratelimit.web;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletRequest;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.Ordered;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ResponseBody;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * In a real servlet container, a request forwarded by a filter ahead of the rate-limit
 * filter (a URL rewrite) is checked on the forward, against the rules of the path it was
 * forwarded to; a request checked already is not counted again when the application
 * forwards it. Spring Security is in front, letting every request through.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "scalability.rate-limit.rules[0].name=hello", "scalability.rate-limit.rules[0].paths=/api/hello",
				"scalability.rate-limit.rules[0].limit=2", "scalability.rate-limit.rules[0].window=1h",
				"scalability.rate-limit.rules[1].name=view",
				"scalability.rate-limit.rules[1].paths=/api/view,/api/other",
				"scalability.rate-limit.rules[1].limit=2", "scalability.rate-limit.rules[1].window=1h",
				"spring.data.redis.port=1" })
class RateLimitForwardedRequestsTests {

	private final HttpClient client = HttpClient.newHttpClient();

	@LocalServerPort
	private int port;

	@Test
	void aRequestRewrittenByAFilterAheadIsCheckedAgainstTheRulesOfWhereItWasForwarded() throws Exception {
		assertThat(get("/legacy/hello").statusCode()).isEqualTo(200);
		assertThat(get("/legacy/hello").statusCode()).isEqualTo(200);
		HttpResponse<String> refused = get("/legacy/hello");
		assertThat(refused.statusCode()).isEqualTo(429);
		assertThat(refused.headers().firstValue("RateLimit"))
			.hasValueSatisfying((value) -> assertThat(value).startsWith("\"hello\";r=0"));
	}

	@Test
	void aRequestTheApplicationForwardsCountsOnce() throws Exception {
		HttpResponse<String> first = get("/api/view");
		assertThat(first.statusCode()).isEqualTo(200);
		assertThat(first.body()).isEqualTo("other");
		assertThat(get("/api/view").statusCode()).isEqualTo(200);
		assertThat(get("/api/view").statusCode()).isEqualTo(429);
	}

	private HttpResponse<String> get(String path) throws IOException, InterruptedException {
		return this.client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path)).build(),
				HttpResponse.BodyHandlers.ofString());
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import(Endpoints.class)
	static class ForwardingApplication {

		@Bean
		FilterRegistrationBean<Filter> legacyRewrite() {
			Filter rewrite = (request, response, chain) -> {
				String uri = ((HttpServletRequest) request).getRequestURI();
				if (uri.startsWith("/legacy/")) {
					request.getRequestDispatcher("/api/" + uri.substring("/legacy/".length())).forward(request, response);
					return;
				}
				chain.doFilter(request, response);
			};
			FilterRegistrationBean<Filter> registration = new FilterRegistrationBean<>(rewrite);
			registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
			return registration;
		}

		@Bean
		SecurityFilterChain openToAll(HttpSecurity http) throws Exception {
			return http.authorizeHttpRequests((requests) -> requests.anyRequest().permitAll()).build();
		}

	}

	@Controller
	static class Endpoints {

		@GetMapping("/api/hello")
		@ResponseBody
		String hello() {
			return "hello";
		}

		@GetMapping("/api/view")
		String view() {
			return "forward:/api/other";
		}

		@GetMapping("/api/other")
		@ResponseBody
		String other() {
			return "other";
		}

	}

}
