package dev.scalability.protection.web;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import dev.scalability.protection.ProtectionPolicy;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpRequest;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.client.ClientHttpRequestExecution;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.ClientHttpResponse;

/**
 * Runs outbound HTTP requests under the policy of their target host: a {@code RestClient}
 * call to a host the configuration names goes through its rate limit, bulkhead, time
 * limit, breaker and retries. A 5xx answer counts as a failure, for the breaker and the
 * retries; once the policy gives up, the caller gets the last 5xx answer as the server sent
 * it, so that the client's own status handling ({@code onStatus}, {@code exchange}) applies
 * as without the policy. Only idempotent methods are retried: a {@code POST} or a
 * {@code PATCH} that failed may have taken effect.
 */
public class ProtectingRequestInterceptor implements ClientHttpRequestInterceptor {

	private static final Set<HttpMethod> IDEMPOTENT = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS,
			HttpMethod.PUT, HttpMethod.DELETE, HttpMethod.TRACE);

	private final Map<String, String> policyByHost;

	private final Function<String, ProtectionPolicy> policies;

	/**
	 * Creates an interceptor.
	 * @param policyByHost the policy's name of each protected host (lower case)
	 * @param policies the policies by name
	 */
	public ProtectingRequestInterceptor(Map<String, String> policyByHost, Function<String, ProtectionPolicy> policies) {
		this.policyByHost = Map.copyOf(policyByHost);
		this.policies = policies;
	}

	@Override
	public ClientHttpResponse intercept(HttpRequest request, byte[] body, ClientHttpRequestExecution execution)
			throws IOException {
		String host = request.getURI().getHost();
		String policyName = (host != null) ? this.policyByHost.get(host.toLowerCase(Locale.ROOT)) : null;
		if (policyName == null) {
			return execution.execute(request, body);
		}
		ProtectionPolicy policy = this.policies.apply(policyName);
		try {
			return policy.execute(() -> failedOnServerError(execution.execute(request, body)),
					IDEMPOTENT.contains(request.getMethod()));
		}
		catch (ServerErrorAnswer answer) {
			return answer.response;
		}
		catch (IOException | RuntimeException | Error ex) {
			throw ex;
		}
		catch (Throwable ex) {
			throw new IOException(ex);
		}
	}

	private static ClientHttpResponse failedOnServerError(ClientHttpResponse response) throws IOException {
		if (!response.getStatusCode().is5xxServerError()) {
			return response;
		}
		try (response) {
			throw new ServerErrorAnswer(new BufferedResponse(response.getStatusCode(), response.getStatusText(),
					HttpHeaders.copyOf(response.getHeaders()), response.getBody().readAllBytes()));
		}
	}

	/**
	 * A 5xx answer, as a failure for the policy.
	 */
	static final class ServerErrorAnswer extends IOException {

		private final transient ClientHttpResponse response;

		ServerErrorAnswer(ClientHttpResponse response) throws IOException {
			super("the server answered " + response.getStatusCode());
			this.response = response;
		}

	}

	/**
	 * An answer read whole, handed to the caller once the policy gives up.
	 */
	private record BufferedResponse(HttpStatusCode status, String statusText, HttpHeaders headers,
			byte[] body) implements ClientHttpResponse {

		@Override
		public HttpStatusCode getStatusCode() {
			return this.status;
		}

		@Override
		public String getStatusText() {
			return this.statusText;
		}

		@Override
		public HttpHeaders getHeaders() {
			return this.headers;
		}

		@Override
		public InputStream getBody() {
			return new ByteArrayInputStream(this.body);
		}

		@Override
		public void close() {
		}

	}

}
