package dev.scalability.requestqueue.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.scalability.autoconfigure.InvalidPropertyException;
import dev.scalability.autoconfigure.RouteProperties;
import dev.scalability.requestqueue.AdaptiveConcurrencyLimit;
import dev.scalability.requestqueue.ConcurrencyLimit;
import dev.scalability.requestqueue.Priority;
import dev.scalability.requestqueue.RequestQueueSettings;
import dev.scalability.requestqueue.web.QueueRoute;
import dev.scalability.web.Route;

import org.springframework.util.ClassUtils;
import org.springframework.web.util.pattern.PathPattern;

/**
 * Turns {@code scalability.request-queue.*} into the queue's settings, limit and routes,
 * checking every value on the way: a value the queue cannot work with stops the
 * application at start-up with the property's name.
 */
final class RequestQueueSettingsBuilder {

	static final String PREFIX = "scalability.request-queue";

	private final RequestQueueProperties properties;

	RequestQueueSettingsBuilder(RequestQueueProperties properties) {
		this.properties = properties;
	}

	RequestQueueSettings settings() {
		if (this.properties.getMaxQueue() < 0) {
			throw new InvalidPropertyException(PREFIX + ".max-queue", this.properties.getMaxQueue(),
					"must not be negative", "such as 1000, or 0 to refuse whenever every slot is taken.");
		}
		InvalidPropertyException.requirePositive(PREFIX + ".max-wait", this.properties.getMaxWait(), "5s");
		InvalidPropertyException.requirePositive(PREFIX + ".request-timeout", this.properties.getRequestTimeout(), "30s");
		InvalidPropertyException.requirePositive(PREFIX + ".standing-queue.target", this.properties.getStandingQueue().getTarget(), "5ms");
		InvalidPropertyException.requirePositive(PREFIX + ".standing-queue.interval", this.properties.getStandingQueue().getInterval(), "100ms");
		double threshold = this.properties.getMemoryPressure().getHeapThreshold();
		if (!(threshold > 0 && threshold <= 1)) {
			throw new InvalidPropertyException(PREFIX + ".memory-pressure.heap-threshold", threshold,
					"must be a share of the heap above 0 and at most 1", "such as 0.85, or 1 to turn it off.");
		}
		return new RequestQueueSettings(this.properties.getMaxQueue(), this.properties.getMaxWait(),
				this.properties.getRequestTimeout(), this.properties.getStandingQueue().getTarget(),
				this.properties.getStandingQueue().getInterval(), threshold);
	}

	ConcurrencyLimit limit(ClassLoader classLoader) {
		int max = this.properties.getMaxConcurrent();
		if (max < 1) {
			throw new InvalidPropertyException(PREFIX + ".max-concurrent", max, "must be at least 1",
					"such as 10: about the number of requests the service serves at once at full speed.");
		}
		if (!this.properties.isAdaptive()) {
			return ConcurrencyLimit.fixed(max);
		}
		int min = this.properties.getMinConcurrent();
		if (min < 1 || min > max) {
			throw new InvalidPropertyException(PREFIX + ".min-concurrent", min,
					"must be at least 1 and at most max-concurrent (" + max + ")", "such as 2.");
		}
		if (!ClassUtils.isPresent("com.netflix.concurrency.limits.Limit", classLoader)) {
			throw new InvalidPropertyException(PREFIX + ".adaptive", true,
					"the adaptive limit needs com.netflix.concurrency-limits:concurrency-limits-core on the class path",
					"add that dependency (the starter brings it), or set adaptive to false.");
		}
		return AdaptiveConcurrencyLimit.of(this.properties.getAdaptiveAlgorithm(), min, max);
	}

	List<Route<QueueRoute>> routes() {
		List<Route<QueueRoute>> routes = new ArrayList<>();
		List<RequestQueueProperties.Route> configured = this.properties.getRoutes();
		for (int i = 0; i < configured.size(); i++) {
			String at = PREFIX + ".routes[" + i + "]";
			RequestQueueProperties.Route route = configured.get(i);
			Duration timeout = route.getTimeout();
			if (timeout != null) {
				InvalidPropertyException.requirePositive(at + ".timeout", timeout, "60s");
			}
			Priority priority = (route.getPriority() != null) ? route.getPriority()
					: this.properties.getDefaultPriority();
			routes.add(new Route<>(RouteProperties.paths(at + ".paths", route.getPaths(), "the route"),
					RouteProperties.methods(at + ".methods", route.getMethods()), new QueueRoute(priority, timeout)));
		}
		return routes;
	}

	/**
	 * The paths that are never queued: those configured, or by default the actuator's
	 * health probes, Prometheus scrape and the queue's own endpoint, so that an overloaded
	 * instance can still be watched and probed.
	 * @param actuator the actuator's base path
	 */
	List<Route<Boolean>> bypass(String actuator) {
		List<String> bypass = this.properties.getBypass();
		if (bypass == null) {
			String base = actuator.endsWith("/") ? actuator.substring(0, actuator.length() - 1) : actuator;
			bypass = List.of(base + "/health/**", base + "/prometheus", base + "/requestqueue");
		}
		List<Route<Boolean>> routes = new ArrayList<>();
		if (bypass.isEmpty()) {
			return routes;
		}
		List<PathPattern> patterns = new ArrayList<>();
		for (int i = 0; i < bypass.size(); i++) {
			patterns.add(RouteProperties.path(PREFIX + ".bypass[" + i + "]", bypass.get(i)));
		}
		routes.add(new Route<>(patterns, java.util.Set.of(), Boolean.TRUE));
		return routes;
	}

	void checkCircuitBreaker() {
		RequestQueueProperties.CircuitBreaker breaker = this.properties.getCircuitBreaker();
		if (breaker.getFailureRate() < 1 || breaker.getFailureRate() > 100) {
			throw new InvalidPropertyException(PREFIX + ".circuit-breaker.failure-rate", breaker.getFailureRate(),
					"must be a percentage between 1 and 100", "such as 50.");
		}
		if (breaker.getWindow() < 1) {
			throw new InvalidPropertyException(PREFIX + ".circuit-breaker.window", breaker.getWindow(),
					"must be at least 1", "such as 20.");
		}
		InvalidPropertyException.requirePositive(PREFIX + ".circuit-breaker.open-for", breaker.getOpenFor(), "30s");
	}


}
