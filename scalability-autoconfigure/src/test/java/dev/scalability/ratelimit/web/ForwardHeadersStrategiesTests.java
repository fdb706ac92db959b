package dev.scalability.ratelimit.web;

import java.net.http.HttpResponse;
import java.util.concurrent.ThreadLocalRandom;

import dev.scalability.test.web.HttpTestClient;
import jakarta.servlet.http.HttpServletRequest;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Under each of Spring Boot's {@code server.forward-headers-strategy} values, in a real
 * Tomcat, a client cannot escape a rule keyed by {@code ip} by writing its own
 * {@code X-Forwarded-For}: the test client connects from 127.0.0.1, which is no trusted
 * proxy, and a different forged address on every request changes nothing.
 * <ul>
 * <li>{@code none}: nobody reads the header.</li>
 * <li>{@code native}: Tomcat's {@code RemoteIpValve} reads it only from its internal
 * proxies, whose default includes 127.0.0.0/8, so 127.0.0.1 is made an ordinary client
 * here. When it is an internal proxy, the valve's address is the client: clients behind it
 * are counted apart, by the right-most address that is no proxy.</li>
 * <li>{@code framework}: Spring's {@code ForwardedHeaderFilter} makes the left-most
 * forwarded address the request's remote address, which the rate limits ignore. Behind a
 * proxy listed in {@code scalability.rate-limit.client-ip.trusted-proxies}, clients are
 * counted apart by the right-most address that is no proxy, and a forged left entry is
 * ignored.</li>
 * </ul>
 */
class ForwardHeadersStrategiesTests {

	private static final String RULE = "scalability.rate-limit.rules[0].";

	private static final String NAME = RULE + "name=api";

	private static final String PATHS = RULE + "paths=/api/**";

	private static final String KEY = RULE + "key=ip";

	private static final String LIMIT = RULE + "limit=2";

	private static final String WINDOW = RULE + "window=1h";

	private static final String NOT_A_PROXY = "server.tomcat.remoteip.internal-proxies=192.0.2.1/32";

	@Nested
	@SpringBootTest(classes = Application.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
			properties = { NAME, PATHS, KEY, LIMIT, WINDOW, "server.forward-headers-strategy=none" })
	class StrategyNone {

		@LocalServerPort
		private int port;

		@Test
		void aClientForgingXForwardedForIsStillRefusedOnItsThirdRequest() {
			assertSpoofingChangesNothing(this.port, false);
		}

	}

	@Nested
	@SpringBootTest(classes = Application.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
			properties = { NAME, PATHS, KEY, LIMIT, WINDOW, "server.forward-headers-strategy=native", NOT_A_PROXY })
	class StrategyNative {

		@LocalServerPort
		private int port;

		@Test
		void aClientForgingXForwardedForIsStillRefusedOnItsThirdRequest() {
			assertSpoofingChangesNothing(this.port, false);
		}

	}

	@Nested
	@SpringBootTest(classes = Application.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
			properties = { NAME, PATHS, KEY, LIMIT, WINDOW, "server.forward-headers-strategy=native",
					"server.tomcat.remoteip.internal-proxies=127.0.0.0/8" })
	class StrategyNativeBehindAnInternalProxy {

		@LocalServerPort
		private int port;

		@Test
		void clientsBehindTheProxyAreCountedApartAndAForgedLeftEntryIsIgnored() {
			assertClientsBehindTheProxyAreCountedApart(this.port);
		}

	}

	@Nested
	@SpringBootTest(classes = Application.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
			properties = { NAME, PATHS, KEY, LIMIT, WINDOW, "server.forward-headers-strategy=framework" })
	class StrategyFramework {

		@LocalServerPort
		private int port;

		@Test
		void aClientForgingXForwardedForIsStillRefusedOnItsThirdRequest() {
			assertSpoofingChangesNothing(this.port, true);
		}

	}

	@Nested
	@SpringBootTest(classes = Application.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
			properties = { NAME, PATHS, KEY, LIMIT, WINDOW, "server.forward-headers-strategy=framework",
					"scalability.rate-limit.client-ip.trusted-proxies=127.0.0.1" })
	class StrategyFrameworkBehindATrustedProxy {

		@LocalServerPort
		private int port;

		@Test
		void clientsBehindTheProxyAreCountedApartAndAForgedLeftEntryIsIgnored() {
			assertClientsBehindTheProxyAreCountedApart(this.port);
		}

	}

	/**
	 * A client writing a different forged address on every request is refused on its
	 * third, as it would be without the header.
	 * @param port the application's port
	 * @param appSeesForgedAddress whether the application's remote address is the forged
	 * one, as with {@code framework}, rather than the connection's peer
	 */
	private static void assertSpoofingChangesNothing(int port, boolean appSeesForgedAddress) {
		HttpTestClient client = new HttpTestClient(port);
		int first = ThreadLocalRandom.current().nextInt(1, 250);
		HttpResponse<String> allowed = client.get("/api/hello", "X-Forwarded-For", "203.0.113." + first);
		assertThat(allowed.statusCode()).isEqualTo(200);
		assertThat(allowed.body()).as("the application's remote address")
			.isEqualTo(appSeesForgedAddress ? "203.0.113." + first : "127.0.0.1");
		assertThat(client.get("/api/hello", "X-Forwarded-For", "203.0.113." + (first + 1)).statusCode())
			.isEqualTo(200);
		assertThat(client.get("/api/hello", "X-Forwarded-For", "203.0.113." + (first + 2)).statusCode())
			.isEqualTo(429);
		assertThat(client.get("/api/hello").statusCode()).isEqualTo(429);
	}

	/**
	 * Two clients behind the proxy at 127.0.0.1 have a quota each; a client that writes an
	 * address of its own to the left of what the proxy appended still counts as itself.
	 */
	private static void assertClientsBehindTheProxyAreCountedApart(int port) {
		HttpTestClient client = new HttpTestClient(port);
		HttpResponse<String> first = client.get("/api/hello", "X-Forwarded-For", "198.51.100.1");
		assertThat(first.statusCode()).as("first request of 198.51.100.1").isEqualTo(200);
		assertThat(first.body()).as("the application's remote address").isEqualTo("198.51.100.1");
		assertThat(client.get("/api/hello", "X-Forwarded-For", "198.51.100.1").statusCode())
			.as("second request of 198.51.100.1").isEqualTo(200);
		assertThat(client.get("/api/hello", "X-Forwarded-For", "198.51.100.2").statusCode())
			.as("first request of 198.51.100.2, which has a quota of its own").isEqualTo(200);
		assertThat(client.get("/api/hello", "X-Forwarded-For", "1.1.1.1, 198.51.100.1").statusCode())
			.as("third request of 198.51.100.1, with a forged left entry").isEqualTo(429);
		assertThat(client.get("/api/hello", "X-Forwarded-For", "1.1.1.1, 198.51.100.2").statusCode())
			.as("second request of 198.51.100.2, with a forged left entry").isEqualTo(200);
		assertThat(client.get("/api/hello", "X-Forwarded-For", "198.51.100.2").statusCode())
			.as("third request of 198.51.100.2").isEqualTo(429);
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import(Endpoints.class)
	static class Application {

		// Spring Security is on the class path: let every request through to the endpoint.
		@Bean
		SecurityFilterChain securityFilterChain(HttpSecurity http) throws Exception {
			return http.authorizeHttpRequests((requests) -> requests.anyRequest().permitAll()).build();
		}

	}

	@RestController
	static class Endpoints {

		@GetMapping("/api/hello")
		String hello(HttpServletRequest request) {
			return request.getRemoteAddr();
		}

	}

}
