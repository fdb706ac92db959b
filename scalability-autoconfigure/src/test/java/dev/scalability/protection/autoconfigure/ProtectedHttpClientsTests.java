package dev.scalability.protection.autoconfigure;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpServer;
import dev.scalability.autoconfigure.ScalabilityAutoConfiguration;
import dev.scalability.ratelimit.autoconfigure.RateLimitAutoConfiguration;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.restclient.RestClientCustomizer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.web.client.HttpServerErrorException;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@code RestClient} calls to the hosts of {@code scalability.protection.http-clients} run
 * under their policy, against a real local HTTP server: 5xx answers are retried when the
 * method allows it and counted by the breaker; other hosts are left alone.
 */
class ProtectedHttpClientsTests {

	private HttpServer server;

	private final AtomicInteger requests = new AtomicInteger();

	private final AtomicInteger failuresLeft = new AtomicInteger();

	private ApplicationContextRunner contextRunner;

	@BeforeEach
	void start() throws IOException {
		this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		this.server.createContext("/", (exchange) -> {
			this.requests.incrementAndGet();
			exchange.getRequestBody().readAllBytes();
			byte[] body = "rate 1.1".getBytes(StandardCharsets.UTF_8);
			int status = (this.failuresLeft.getAndDecrement() > 0) ? 503 : 200;
			exchange.sendResponseHeaders(status, body.length);
			exchange.getResponseBody().write(body);
			exchange.close();
		});
		this.server.start();
		this.contextRunner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(ScalabilityAutoConfiguration.class,
					RateLimitAutoConfiguration.class, ProtectionAutoConfiguration.class))
			.withPropertyValues("scalability.protection.policies.rates.retry.max-attempts=3",
					"scalability.protection.policies.rates.retry.backoff=10ms",
					"scalability.protection.policies.rates.circuit-breaker.window=10",
					"scalability.protection.http-clients[0].hosts=127.0.0.1",
					"scalability.protection.http-clients[0].policy=rates");
	}

	@AfterEach
	void stop() {
		this.server.stop(0);
	}

	@Test
	void aGetToAProtectedHostIsRetriedPastItsServerErrorsAndCountedOnceByTheBreaker() {
		this.failuresLeft.set(2);
		this.contextRunner.run((context) -> {
			RestClient client = client(context.getBean(RestClientCustomizer.class));
			assertThat(client.get().uri(url("/rates")).retrieve().body(String.class)).isEqualTo("rate 1.1");
			assertThat(this.requests).hasValue(3);
			CircuitBreaker breaker = context.getBean(CircuitBreakerRegistry.class).circuitBreaker("rates");
			assertThat(breaker.getMetrics().getNumberOfSuccessfulCalls()).isOne();
		});
	}

	@Test
	void aPostIsNotRetriedSinceItMayHaveTakenEffect() {
		this.failuresLeft.set(1);
		this.contextRunner.run((context) -> {
			RestClient client = client(context.getBean(RestClientCustomizer.class));
			assertThatExceptionOfType(HttpServerErrorException.class)
				.isThrownBy(() -> client.post().uri(url("/orders")).body("order").retrieve().toBodilessEntity());
			assertThat(this.requests).hasValue(1);
			assertThat(context.getBean(CircuitBreakerRegistry.class).circuitBreaker("rates").getMetrics()
				.getNumberOfFailedCalls()).isOne();
		});
	}

	@Test
	void aHostNoPolicyNamesIsLeftAlone() {
		this.failuresLeft.set(1);
		this.contextRunner.withPropertyValues("scalability.protection.http-clients[0].hosts=bank.internal")
			.run((context) -> {
				RestClient client = client(context.getBean(RestClientCustomizer.class));
				assertThatExceptionOfType(HttpServerErrorException.class)
					.isThrownBy(() -> client.get().uri(url("/rates")).retrieve().body(String.class));
				assertThat(this.requests).hasValue(1);
			});
	}

	@Test
	void aClientOfAPolicyThatIsNotConfiguredStopsTheStartUp() {
		this.contextRunner.withPropertyValues("scalability.protection.http-clients[0].policy=nowhere")
			.run((context) -> assertThat(dev.scalability.autoconfigure.FailureAnalyses
				.analyze(context.getStartupFailure())
				.getDescription()).contains("scalability.protection.http-clients[0].policy"));
	}

	@Test
	void aHostWithAPortStopsTheStartUp() {
		this.contextRunner.withPropertyValues("scalability.protection.http-clients[0].hosts=127.0.0.1:8443")
			.run((context) -> assertThat(dev.scalability.autoconfigure.FailureAnalyses
				.analyze(context.getStartupFailure())
				.getDescription()).contains("scalability.protection.http-clients[0].hosts"));
	}

	@Test
	void theCallersOwnStatusHandlingSeesTheLastServerErrorOnceThePolicyGivesUp() {
		this.failuresLeft.set(10);
		this.contextRunner.run((context) -> {
			RestClient client = client(context.getBean(RestClientCustomizer.class));
			Integer status = client.get()
				.uri(url("/rates"))
				.exchange((request, response) -> response.getStatusCode().value());
			assertThat(status).isEqualTo(503);
			assertThat(this.requests).as("three attempts").hasValue(3);
		});
	}

	private static RestClient client(RestClientCustomizer customizer) {
		RestClient.Builder builder = RestClient.builder();
		customizer.customize(builder);
		return builder.build();
	}

	private String url(String path) {
		return "http://127.0.0.1:" + this.server.getAddress().getPort() + path;
	}

}
