package dev.scalability.ratelimit.web;

import java.net.http.HttpResponse;
import java.security.Principal;
import java.util.concurrent.atomic.AtomicInteger;

import dev.scalability.test.web.HttpTestClient;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With a real Spring Security filter chain in a real servlet container, a rule keyed by
 * {@code ip} stops password guessing, although Spring Security answers failed logins
 * itself and the requests never reach a controller: the rule is checked before the chain.
 * Once an address is refused, its requests no longer reach Spring Security at all, so no
 * further password is checked, the right one included.
 * <ul>
 * <li>HTTP Basic: with {@code count-status: [401]} only failed logins count; a successful
 * one in between gives its permit back.</li>
 * <li>Form login: failures and successes both redirect (302), so the rule counts every
 * {@code POST /login}, as documented.</li>
 * <li>A rule keyed by {@code user} in the same application still sees the authenticated
 * principal: it is checked after the chain.</li>
 * </ul>
 */
class RateLimitStopsPasswordGuessingTests {

	private static final String QUOTA_EXCEEDED = "https://iana.org/assignments/http-problem-types#quota-exceeded";

	@Nested
	@SpringBootTest(classes = BasicApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
			properties = { "scalability.rate-limit.rules[0].name=basic-login",
					"scalability.rate-limit.rules[0].paths=/api/**", "scalability.rate-limit.rules[0].key=ip",
					"scalability.rate-limit.rules[0].count-status=401", "scalability.rate-limit.rules[0].limit=3",
					"scalability.rate-limit.rules[0].skip=request.getHeader('Authorization') == null",
					"scalability.rate-limit.rules[0].window=15m", "scalability.rate-limit.rules[1].name=reports",
					"scalability.rate-limit.rules[1].paths=/reports/**", "scalability.rate-limit.rules[1].key=user",
					"scalability.rate-limit.rules[1].limit=1", "scalability.rate-limit.rules[1].window=1h" })
	class HttpBasic {

		@LocalServerPort
		private int port;

		@Autowired
		private CountingUsers users;

		@Test
		void threeWrongPasswordsBlockTheAddressWhileSuccessfulLoginsDoNotCount() {
			HttpTestClient client = new HttpTestClient(this.port);
			// Clients that wait for the challenge before sending credentials get a 401 first:
			// those are no failed logins, and the documented rule skips them.
			for (int i = 0; i < 5; i++) {
				assertThat(client.get("/api/account").statusCode()).isEqualTo(401);
			}
			int before = this.users.lookups();
			assertThat(client.get("/api/account", "Authorization", HttpTestClient.basic("alice", "guess-1"))
				.statusCode()).isEqualTo(401);
			assertThat(client.get("/api/account", "Authorization", HttpTestClient.basic("alice", "guess-2"))
				.statusCode()).isEqualTo(401);
			// A successful login in between gives its permit back: it does not use up the quota.
			HttpResponse<String> success = client.get("/api/account", "Authorization",
					HttpTestClient.basic("alice", "secret"));
			assertThat(success.statusCode()).isEqualTo(200);
			assertThat(success.body()).isEqualTo("alice");
			assertThat(client.get("/api/account", "Authorization", HttpTestClient.basic("alice", "guess-3"))
				.statusCode()).isEqualTo(401);
			int lookups = this.users.lookups();
			assertThat(lookups - before).isEqualTo(4);
			// The address is blocked: the right password does not help, nor does another user.
			HttpResponse<String> refused = client.get("/api/account", "Authorization",
					HttpTestClient.basic("alice", "secret"));
			assertThat(refused.statusCode()).isEqualTo(429);
			assertThat(refused.headers().firstValue("Content-Type"))
				.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
			assertThat(HttpTestClient.json(refused).get("type").asString()).isEqualTo(QUOTA_EXCEEDED);
			assertThat(client.get("/api/account", "Authorization", HttpTestClient.basic("bob", "guess-4"))
				.statusCode()).isEqualTo(429);
			// Spring Security never saw the refused requests: no password was checked.
			assertThat(this.users.lookups()).isEqualTo(lookups);
		}

		@Test
		void aRuleKeyedByUserStillCountsEachAuthenticatedUserApart() {
			HttpTestClient client = new HttpTestClient(this.port);
			assertThat(client.get("/reports/daily", "Authorization", HttpTestClient.basic("carol", "secret"))
				.statusCode()).isEqualTo(200);
			assertThat(client.get("/reports/daily", "Authorization", HttpTestClient.basic("carol", "secret"))
				.statusCode()).isEqualTo(429);
			assertThat(client.get("/reports/daily", "Authorization", HttpTestClient.basic("dave", "secret"))
				.statusCode()).isEqualTo(200);
		}

	}

	@Nested
	@SpringBootTest(classes = FormLoginApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
			properties = { "scalability.rate-limit.rules[0].name=form-login",
					"scalability.rate-limit.rules[0].paths=/login", "scalability.rate-limit.rules[0].methods=POST",
					"scalability.rate-limit.rules[0].key=ip", "scalability.rate-limit.rules[0].limit=3",
					"scalability.rate-limit.rules[0].window=15m" })
	class FormLogin {

		@LocalServerPort
		private int port;

		@Autowired
		private CountingUsers users;

		@Test
		void threeLoginAttemptsBlockTheAddressBeforeSpringSecuritySeesTheFourth() {
			// HttpTestClient's java.net.http client does not follow redirects: the 302s are seen.
			HttpTestClient client = new HttpTestClient(this.port);
			for (int i = 1; i <= 3; i++) {
				HttpResponse<String> failed = client.postForm("/login", "username=alice&password=guess-" + i);
				assertThat(failed.statusCode()).isEqualTo(302);
				assertThat(failed.headers().firstValue("Location"))
					.hasValueSatisfying((location) -> assertThat(location).endsWith("/login?error"));
			}
			assertThat(this.users.lookups()).isEqualTo(3);
			HttpResponse<String> refused = client.postForm("/login", "username=alice&password=secret");
			assertThat(refused.statusCode()).isEqualTo(429);
			assertThat(refused.headers().firstValue("Content-Type"))
				.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
			assertThat(HttpTestClient.json(refused).get("type").asString()).isEqualTo(QUOTA_EXCEEDED);
			assertThat(HttpTestClient.json(refused).get("instance").asString()).isEqualTo("/login");
			// Spring Security never saw it: no password was checked.
			assertThat(this.users.lookups()).isEqualTo(3);
			// The login page itself is not covered by the rule.
			assertThat(client.get("/login").statusCode()).isEqualTo(200);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import(Endpoints.class)
	static class BasicApplication {

		@Bean
		SecurityFilterChain securityFilterChain(HttpSecurity http) throws Exception {
			return http.csrf((csrf) -> csrf.disable())
				.authorizeHttpRequests((requests) -> requests.anyRequest().authenticated())
				.httpBasic(Customizer.withDefaults())
				.build();
		}

		@Bean
		CountingUsers users() {
			return new CountingUsers();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import(Endpoints.class)
	static class FormLoginApplication {

		@Bean
		SecurityFilterChain securityFilterChain(HttpSecurity http) throws Exception {
			// CSRF is off only so that the test needs no token; the rate limit is checked before
			// Spring Security either way, so CSRF protection changes nothing here.
			return http.csrf((csrf) -> csrf.disable())
				.authorizeHttpRequests((requests) -> requests.anyRequest().authenticated())
				.formLogin((form) -> form.loginProcessingUrl("/login").permitAll())
				.build();
		}

		@Bean
		CountingUsers users() {
			return new CountingUsers();
		}

	}

	/**
	 * The users, counting how often Spring Security looks one up to check a password.
	 */
	static class CountingUsers implements UserDetailsService {

		private final AtomicInteger lookups = new AtomicInteger();

		private final InMemoryUserDetailsManager users = new InMemoryUserDetailsManager(
				User.withUsername("alice").password("{noop}secret").roles("USER").build(),
				User.withUsername("bob").password("{noop}secret").roles("USER").build(),
				User.withUsername("carol").password("{noop}secret").roles("USER").build(),
				User.withUsername("dave").password("{noop}secret").roles("USER").build());

		@Override
		public UserDetails loadUserByUsername(String username) {
			this.lookups.incrementAndGet();
			return this.users.loadUserByUsername(username);
		}

		int lookups() {
			return this.lookups.get();
		}

	}

	@RestController
	static class Endpoints {

		@GetMapping("/api/account")
		String account(Principal principal) {
			return principal.getName();
		}

		@GetMapping("/reports/daily")
		String report() {
			return "report";
		}

	}

}
