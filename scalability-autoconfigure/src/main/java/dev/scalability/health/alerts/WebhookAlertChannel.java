package dev.scalability.health.alerts;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * POSTs each alert as JSON to a URL, on threads of its own: a slow or failing receiver
 * never holds the evaluation, let alone a request. Each attempt is bounded by a timeout;
 * a failed attempt (no answer, or a 5xx or 429 status) is retried with a doubling backoff;
 * a 4xx status is not retried. At most 100 notifications are under way at once; past
 * that, new ones are dropped and counted.
 */
public final class WebhookAlertChannel implements AlertChannel, AutoCloseable {

	private static final Log logger = LogFactory.getLog(WebhookAlertChannel.class);

	static final int MAX_IN_FLIGHT = 100;

	private final URI url;

	private final Duration timeout;

	private final int retries;

	private final Duration backoff;

	private final Map<String, String> headers;

	private final Function<AlertNotification, byte[]> body;

	private final AlertObserver observer;

	private final ScheduledExecutorService executor;

	private final HttpClient client;

	private final AtomicInteger inFlight = new AtomicInteger();

	/**
	 * Creates a channel.
	 * @param url where to POST
	 * @param timeout the longest one attempt waits
	 * @param retries attempts after the first
	 * @param backoff the wait before the first retry, doubled for each next
	 * @param headers headers of every request, such as an authorization
	 * @param body writes a notification as JSON
	 * @param observer hears what was sent
	 */
	public WebhookAlertChannel(URI url, Duration timeout, int retries, Duration backoff, Map<String, String> headers,
			Function<AlertNotification, byte[]> body, AlertObserver observer) {
		this.url = url;
		this.timeout = timeout;
		this.retries = retries;
		this.backoff = backoff;
		this.headers = Map.copyOf(headers);
		this.body = body;
		this.observer = observer;
		this.executor = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "scalability-alerts-webhook");
			thread.setDaemon(true);
			return thread;
		});
		this.client = HttpClient.newBuilder().connectTimeout(timeout).executor(this.executor).build();
	}

	@Override
	public String name() {
		return "webhook";
	}

	@Override
	public void send(AlertNotification notification) {
		if (this.inFlight.incrementAndGet() > MAX_IN_FLIGHT) {
			this.inFlight.decrementAndGet();
			this.observer.notified(name(), "dropped");
			logger.warn("Alert '" + notification.alert() + "' not sent to the webhook: " + MAX_IN_FLIGHT
					+ " notifications are still under way");
			return;
		}
		HttpRequest request;
		try {
			HttpRequest.Builder builder = HttpRequest.newBuilder(this.url)
				.timeout(this.timeout)
				.header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofByteArray(this.body.apply(notification)));
			this.headers.forEach(builder::header);
			request = builder.build();
		}
		catch (RuntimeException ex) {
			done(notification, "failed", "the request could not be made: " + ex.getMessage());
			return;
		}
		attempt(request, notification, 0);
	}

	private void attempt(HttpRequest request, AlertNotification notification, int attempt) {
		CompletableFuture<HttpResponse<Void>> sent;
		try {
			sent = this.client.sendAsync(request, HttpResponse.BodyHandlers.discarding());
		}
		catch (RuntimeException ex) {
			failedAttempt(request, notification, attempt, ex.toString());
			return;
		}
		sent.whenComplete((response, failure) -> {
			if (failure != null) {
				failedAttempt(request, notification, attempt, failure.toString());
			}
			else if (response.statusCode() >= 200 && response.statusCode() < 300) {
				done(notification, "sent", null);
			}
			else if (response.statusCode() >= 500 || response.statusCode() == 429) {
				failedAttempt(request, notification, attempt, "status " + response.statusCode());
			}
			else {
				done(notification, "failed", "status " + response.statusCode() + ", not retried");
			}
		});
	}

	private void failedAttempt(HttpRequest request, AlertNotification notification, int attempt, String why) {
		if (attempt >= this.retries) {
			done(notification, "failed", why + " after " + (attempt + 1) + " attempts");
			return;
		}
		long wait = this.backoff.toMillis() << Math.min(attempt, 10);
		try {
			this.executor.schedule(() -> attempt(request, notification, attempt + 1), wait, TimeUnit.MILLISECONDS);
		}
		catch (java.util.concurrent.RejectedExecutionException ex) {
			done(notification, "failed", "the channel is closed");
		}
	}

	private void done(AlertNotification notification, String outcome, String why) {
		this.inFlight.decrementAndGet();
		this.observer.notified(name(), outcome);
		if (why != null) {
			logger.warn("Alert '" + notification.alert() + "' (" + notification.state() + ") could not be sent to "
					+ this.url.getHost() + ": " + why);
		}
	}

	/**
	 * Whether a header may be set on the webhook's requests: the HTTP client sets some
	 * itself, and refuses them.
	 * @param name the header's name
	 * @return whether it may
	 */
	public static boolean settable(String name) {
		try {
			HttpRequest.newBuilder(URI.create("http://localhost/")).header(name, "x");
			return true;
		}
		catch (IllegalArgumentException ex) {
			return false;
		}
	}

	/**
	 * Stops, after giving the notifications under way a moment to go out (those of an
	 * instance that stops, resolving its alerts).
	 */
	@Override
	public void close() {
		this.executor.shutdown();
		try {
			if (!this.executor.awaitTermination(this.timeout.toMillis() + 500, TimeUnit.MILLISECONDS)) {
				this.executor.shutdownNow();
			}
		}
		catch (InterruptedException ex) {
			this.executor.shutdownNow();
			Thread.currentThread().interrupt();
		}
	}

}
