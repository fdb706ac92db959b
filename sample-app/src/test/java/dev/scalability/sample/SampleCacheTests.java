package dev.scalability.sample;

import java.net.http.HttpResponse;

import dev.scalability.test.web.HttpTestClient;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SampleCacheTests extends SampleWithoutRedis {

	@Test
	void aProductIsLoadedOnceThenServedFromTheCache() {
		HttpResponse<String> first = this.http.get("/api/products/42");
		assertThat(first.statusCode()).isEqualTo(200);
		long loads = loaderCalls(first);
		HttpResponse<String> second = this.http.get("/api/products/42");
		assertThat(HttpTestClient.json(second).path("name").asString()).isEqualTo("Product 42");
		assertThat(loaderCalls(second)).as("served from the cache").isEqualTo(loads);
	}

	@Test
	void anUpdatedProductIsWhatTheCacheServesNext() {
		this.http.get("/api/products/7");
		HttpResponse<String> updated = this.http.put("/api/products/7",
				"{\"id\":7,\"name\":\"Desk lamp\",\"price\":25.50}");
		assertThat(updated.statusCode()).isEqualTo(200);
		long loads = loaderCalls(updated);
		HttpResponse<String> read = this.http.get("/api/products/7");
		assertThat(HttpTestClient.json(read).path("name").asString()).isEqualTo("Desk lamp");
		assertThat(loaderCalls(read)).isEqualTo(loads);
	}

	private static long loaderCalls(HttpResponse<String> response) {
		return Long.parseLong(response.headers().firstValue("X-Loader-Calls").orElseThrow());
	}

}
