package dev.scalability.requestqueue.web;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;

/**
 * Sends requests without waiting for their answers, as many clients at once would.
 */
final class AsyncHttp {

	private final HttpClient client = HttpClient.newBuilder()
		.connectTimeout(Duration.ofSeconds(5))
		.executor(Executors.newFixedThreadPool(4))
		.build();

	private final int port;

	AsyncHttp(int port) {
		this.port = port;
	}

	CompletableFuture<HttpResponse<String>> get(String path, String... headers) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
			.timeout(Duration.ofSeconds(60));
		for (int i = 0; i + 1 < headers.length; i += 2) {
			request.header(headers[i], headers[i + 1]);
		}
		return this.client.sendAsync(request.GET().build(), HttpResponse.BodyHandlers.ofString());
	}

	CompletableFuture<HttpResponse<String>> putForm(String path, String form) {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
			.timeout(Duration.ofSeconds(60))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.PUT(HttpRequest.BodyPublishers.ofString(form))
			.build();
		return this.client.sendAsync(request, HttpResponse.BodyHandlers.ofString());
	}

	HttpResponse<String> getNow(String path, String... headers) {
		return get(path, headers).join();
	}

}
