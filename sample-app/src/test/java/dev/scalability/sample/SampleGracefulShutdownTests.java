package dev.scalability.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

import dev.scalability.test.redis.UnreachableRedis;
import dev.scalability.test.web.HttpTestClient;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

/**
 * A real SIGTERM to the sample while it serves two requests and four more wait: every one
 * of the six is answered 200, requests arriving after the signal get 503
 * {@code shutting-down}, and the process ends. Once on this JVM's threads, once on virtual
 * threads (on a JDK 21 or later: under {@code CI=true} one must be found).
 */
class SampleGracefulShutdownTests {

	@Test
	void sigtermLetsEveryAdmittedRequestFinishAndRefusesNewOnes() throws Exception {
		String output = drainOnSigterm(SampleProcess.currentJava());
		assertThat(output).doesNotContain("handler-");
	}

	@Test
	void sigtermDrainsTheQueueOnVirtualThreadsToo() throws Exception {
		Path java = Jdks.java21OrLater().orElse(null);
		if (java == null) {
			if (System.getenv("CI") != null) {
				fail("CI needs a JDK 21 or later to test virtual threads: set SCALABILITY_TEST_JDK21_HOME");
			}
			org.junit.jupiter.api.Assumptions.abort("no JDK 21 or later on this machine");
		}
		String output = drainOnSigterm(java, "--spring.threads.virtual.enabled=true");
		// Tomcat names its virtual threads tomcat-handler-N; the log shows where requests ran.
		assertThat(output).contains("handler-");
	}

	private String drainOnSigterm(Path java, String... extra) throws Exception {
		List<String> arguments = new ArrayList<>(List.of("--scalability.request-queue.max-concurrent=2",
				"--spring.lifecycle.timeout-per-shutdown-phase=20s",
				"--spring.data.redis.port=" + UnreachableRedis.port()));
		arguments.addAll(List.of(extra));
		try (SampleProcess sample = SampleProcess.start(java, arguments.toArray(String[]::new))) {
			int port = sample.awaitPort(Duration.ofSeconds(60));
			HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
			HttpTestClient http = new HttpTestClient(port);
			List<CompletableFuture<HttpResponse<String>>> admitted = new ArrayList<>();
			for (int i = 0; i < 6; i++) {
				admitted.add(client.sendAsync(get(port, "/api/work?ms=1500"), HttpResponse.BodyHandlers.ofString()));
			}
			await().atMost(Duration.ofSeconds(10)).until(() -> {
				JsonNode queue = HttpTestClient.json(http.get("/actuator/requestqueue"));
				return queue.get("running").asInt() == 2 && queue.get("pending").get("medium").asInt() == 4;
			});
			sample.terminate();
			AtomicReference<HttpResponse<String>> refused = new AtomicReference<>();
			await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).until(() -> {
				HttpResponse<String> late = client.send(get(port, "/api/hello"), HttpResponse.BodyHandlers.ofString());
				refused.set(late);
				return late.statusCode() == 503;
			});
			assertThat(HttpTestClient.json(refused.get()).get("reason").asString()).isEqualTo("shutting-down");
			assertThat(refused.get().headers().firstValue("Retry-After")).isPresent();
			for (CompletableFuture<HttpResponse<String>> response : admitted) {
				assertThat(response.join().statusCode()).as(() -> response.join().body() + "\n" + sample.output()).isEqualTo(200);
			}
			assertThat(sample.awaitExit(Duration.ofSeconds(30))).as(sample.output()).isTrue();
			assertThat(sample.output()).contains("Request queue draining");
			return sample.output();
		}
	}

	private static HttpRequest get(int port, String path) {
		return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
			.timeout(Duration.ofSeconds(30))
			.GET()
			.build();
	}

}
