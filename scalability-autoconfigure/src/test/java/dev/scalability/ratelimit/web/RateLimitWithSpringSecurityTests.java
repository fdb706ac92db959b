package dev.scalability.ratelimit.web;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * In a real servlet container with Spring Security in front, the rate-limit filter runs
 * after authentication, so {@code key: user} counts per authenticated user wherever the
 * requests come from, and anonymous requests per address.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "scalability.rate-limit.rules[0].name=ai", "scalability.rate-limit.rules[0].paths=/api/ai/**",
				"scalability.rate-limit.rules[0].key=user", "scalability.rate-limit.rules[0].limit=2",
				"scalability.rate-limit.rules[0].window=1h",
				"spring.data.redis.port=1" })
class RateLimitWithSpringSecurityTests {

	private final HttpClient client = HttpClient.newHttpClient();

	@LocalServerPort
	private int port;

	@Test
	void authenticatedUsersEachHaveTheirOwnQuota() throws Exception {
		assertThat(post("/api/ai/complete", "alice").statusCode()).isEqualTo(200);
		assertThat(post("/api/ai/complete", "alice").statusCode()).isEqualTo(200);
		HttpResponse<String> refused = post("/api/ai/complete", "alice");
		assertThat(refused.statusCode()).isEqualTo(429);
		assertThat(refused.headers().firstValue("RateLimit"))
			.hasValueSatisfying((value) -> assertThat(value).startsWith("\"ai\";r=0"));
		assertThat(post("/api/ai/complete", "bob").statusCode()).isEqualTo(200);
	}

	@Test
	void anonymousRequestsAreCountedByAddress() throws Exception {
		assertThat(post("/api/ai/public", null).statusCode()).isEqualTo(200);
		assertThat(post("/api/ai/public", null).statusCode()).isEqualTo(200);
		assertThat(post("/api/ai/public", null).statusCode()).isEqualTo(429);
		assertThat(post("/api/ai/public", "carol").statusCode()).isEqualTo(200);
	}

	private HttpResponse<String> post(String path, String user) throws IOException, InterruptedException {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
			.POST(HttpRequest.BodyPublishers.noBody());
		if (user != null) {
			String credentials = user + ":secret";
			request.header("Authorization",
					"Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
		}
		return this.client.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import(Endpoints.class)
	static class SecuredApplication {

		@Bean
		SecurityFilterChain securityFilterChain(HttpSecurity http) throws Exception {
			return http.csrf((csrf) -> csrf.disable())
				.authorizeHttpRequests((requests) -> requests.requestMatchers("/api/ai/public")
					.permitAll()
					.anyRequest()
					.authenticated())
				.httpBasic(Customizer.withDefaults())
				.build();
		}

		@Bean
		InMemoryUserDetailsManager users() {
			return new InMemoryUserDetailsManager(
					User.withUsername("alice").password("{noop}secret").roles("USER").build(),
					User.withUsername("bob").password("{noop}secret").roles("USER").build(),
					User.withUsername("carol").password("{noop}secret").roles("USER").build());
		}

	}

	@RestController
	static class Endpoints {

		@PostMapping("/api/ai/complete")
		String complete() {
			return "done";
		}

		@PostMapping("/api/ai/public")
		String open() {
			return "open";
		}

	}

}
