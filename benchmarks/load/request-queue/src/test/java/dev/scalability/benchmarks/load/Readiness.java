package dev.scalability.benchmarks.load;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Waits for the service to answer its liveness probe before any load starts, so that the
 * driver script can start Gatling (on the other core) while the service is still starting.
 */
final class Readiness {

	private static final Duration LONGEST = Duration.ofSeconds(120);

	private Readiness() {
	}

	static void await(Settings settings) {
		HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
		HttpRequest request = HttpRequest.newBuilder(URI.create(settings.baseUrl() + "/actuator/health/liveness"))
			.timeout(Duration.ofSeconds(2))
			.build();
		long deadline = System.nanoTime() + LONGEST.toNanos();
		while (System.nanoTime() - deadline < 0) {
			try {
				if (client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
					return;
				}
			}
			catch (IOException ex) {
				// Not listening yet.
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
			if (settings.servicePid() > 0 && ProcessHandle.of(settings.servicePid()).isEmpty()) {
				throw new IllegalStateException("The service (pid " + settings.servicePid() + ") has exited");
			}
			try {
				Thread.sleep(100);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
		}
		throw new IllegalStateException("The service did not answer " + request.uri() + " within " + LONGEST);
	}

}
