package dev.scalability.benchmarks.load;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.http.HttpProtocolBuilder;

import static io.gatling.javaapi.core.CoreDsl.bodyString;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.jmesPath;
import static io.gatling.javaapi.core.CoreDsl.responseTimeInMillis;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

/**
 * The requests of the simulations. Every request has the client's timeout: a request not
 * answered within it is a KO, as is any status but 200 (so Gatling's OK statistics are of the
 * requests served: 200 in time). The status and the problem's
 * {@code reason} are saved before the status is checked, for {@link Outcomes}.
 */
final class Requests {

	private Requests() {
	}

	/**
	 * One connection pool for all virtual users, as a load balancer or a service mesh in
	 * front of the service keeps one: a virtual user per request must not mean a TCP
	 * handshake per request. No warm-up request (it would go off this machine).
	 * @param settings the settings
	 * @return the protocol
	 */
	static HttpProtocolBuilder protocol(Settings settings) {
		return http.baseUrl(settings.baseUrl()).shareConnections().disableWarmUp().disableCaching();
	}

	/**
	 * A GET that counts as served only with a 200 within the timeout.
	 * @param name the request's name in the report
	 * @param path the path
	 * @param settings the settings
	 * @return the request and the counting of its outcome
	 */
	static ChainBuilder get(String name, String path, Settings settings) {
		return Outcomes.start()
			.exec(http(name).get(path)
				.requestTimeout(settings.timeout())
				.check(status().saveAs("status"), jmesPath("reason").optional().saveAs("reason"), status().is(200),
						// Gatling's own timeout (above) lets a few answers through late when the
						// service is overloaded: an answer after the timeout is not served either.
						responseTimeInMillis().lte((int) settings.timeout().toMillis())))
			.exec(Outcomes.record(name, settings.timeout().toMillis()));
	}

	/**
	 * Saves the body of a GET to {@code <file>.json} in the output directory, for the
	 * service's own view, such as {@code /actuator/requestqueue}: bypassed by the queue, it
	 * answers under any load the queue sheds. Silent: not part of the report's statistics.
	 * Nothing is written without a 200 in time (the queue's endpoint does not exist with the
	 * queue off).
	 * @param file the file's name, without .json
	 * @param path the path
	 * @param settings the settings
	 * @return the step
	 */
	static ChainBuilder snapshot(String file, String path, Settings settings) {
		return exec(http("snapshot " + file).get(path)
			.requestTimeout(settings.timeout())
			.silent()
			.check(status().saveAs("status"), bodyString().saveAs("body"))).exec(session -> {
				if (session.contains("status") && session.getInt("status") == 200 && session.contains("body")) {
					try {
						Files.createDirectories(settings.outputDirectory());
						Files.writeString(settings.outputDirectory().resolve(file + ".json"),
								session.getString("body"), StandardCharsets.UTF_8);
					}
					catch (IOException ex) {
						throw new UncheckedIOException(ex);
					}
				}
				return session.removeAll("status", "body").markAsSucceeded();
			});
	}

}
