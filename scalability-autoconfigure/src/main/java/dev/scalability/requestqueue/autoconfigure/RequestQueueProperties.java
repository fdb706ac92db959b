package dev.scalability.requestqueue.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.scalability.requestqueue.AdaptiveConcurrencyLimit;
import dev.scalability.requestqueue.Priority;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The request admission queue: how many requests run at once, how many wait and for how
 * long, their priorities, and when the queue refuses them at once.
 */
@ConfigurationProperties("scalability.request-queue")
public class RequestQueueProperties {

	/**
	 * Whether the request queue is on.
	 */
	private boolean enabled = true;

	/**
	 * How many requests run at once; with adaptive, the most the limit grows to.
	 */
	private int maxConcurrent = 10;

	/**
	 * Whether the limit adapts to measured latency, between min-concurrent and
	 * max-concurrent.
	 */
	private boolean adaptive = false;

	/**
	 * The algorithm of the adaptive limit: gradient2 (short- against long-term latency) or
	 * vegas (latency against the lowest seen).
	 */
	private AdaptiveConcurrencyLimit.Algorithm adaptiveAlgorithm = AdaptiveConcurrencyLimit.Algorithm.GRADIENT2;

	/**
	 * The least the adaptive limit falls to, and where it starts.
	 */
	private int minConcurrent = 2;

	/**
	 * How many requests may wait; beyond it, 503 at once (a request of a higher priority
	 * takes the place of one of a lower).
	 */
	private int maxQueue = 1000;

	/**
	 * The longest a request waits in the queue before a 503.
	 */
	private Duration maxWait = Duration.ofSeconds(5);

	/**
	 * The deadline of a request, counted from its arrival, for routes without a timeout of
	 * their own. Past it the request gets a 503 (if it has not started its answer) and its
	 * slot is given back.
	 */
	private Duration requestTimeout = Duration.ofSeconds(30);

	/**
	 * Priority and deadline by route; the first that matches a request wins.
	 */
	private List<Route> routes = new ArrayList<>();

	/**
	 * The priority of requests that no route matches.
	 */
	private Priority defaultPriority = Priority.MEDIUM;

	/**
	 * Path patterns that are never queued nor counted. When not set: the actuator's health
	 * probes, Prometheus scrape and request-queue endpoint ({base-path}/health/**,
	 * /prometheus, /requestqueue); set it to [] to queue everything.
	 */
	private List<String> bypass;

	private final MemoryPressure memoryPressure = new MemoryPressure();

	private final CircuitBreaker circuitBreaker = new CircuitBreaker();

	private final StandingQueue standingQueue = new StandingQueue();

	/**
	 * Order of the queue's servlet filter; by default just after the rate-limit filter for
	 * authenticated users (Spring Security's order + 20), so that a request refused by a
	 * rate limit never waits.
	 */
	private Integer filterOrder;

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public int getMaxConcurrent() {
		return this.maxConcurrent;
	}

	public void setMaxConcurrent(int maxConcurrent) {
		this.maxConcurrent = maxConcurrent;
	}

	public boolean isAdaptive() {
		return this.adaptive;
	}

	public void setAdaptive(boolean adaptive) {
		this.adaptive = adaptive;
	}

	public AdaptiveConcurrencyLimit.Algorithm getAdaptiveAlgorithm() {
		return this.adaptiveAlgorithm;
	}

	public void setAdaptiveAlgorithm(AdaptiveConcurrencyLimit.Algorithm adaptiveAlgorithm) {
		this.adaptiveAlgorithm = adaptiveAlgorithm;
	}

	public int getMinConcurrent() {
		return this.minConcurrent;
	}

	public void setMinConcurrent(int minConcurrent) {
		this.minConcurrent = minConcurrent;
	}

	public int getMaxQueue() {
		return this.maxQueue;
	}

	public void setMaxQueue(int maxQueue) {
		this.maxQueue = maxQueue;
	}

	public Duration getMaxWait() {
		return this.maxWait;
	}

	public void setMaxWait(Duration maxWait) {
		this.maxWait = maxWait;
	}

	public Duration getRequestTimeout() {
		return this.requestTimeout;
	}

	public void setRequestTimeout(Duration requestTimeout) {
		this.requestTimeout = requestTimeout;
	}

	public List<Route> getRoutes() {
		return this.routes;
	}

	public void setRoutes(List<Route> routes) {
		this.routes = routes;
	}

	public Priority getDefaultPriority() {
		return this.defaultPriority;
	}

	public void setDefaultPriority(Priority defaultPriority) {
		this.defaultPriority = defaultPriority;
	}

	public List<String> getBypass() {
		return this.bypass;
	}

	public void setBypass(List<String> bypass) {
		this.bypass = bypass;
	}

	public MemoryPressure getMemoryPressure() {
		return this.memoryPressure;
	}

	public CircuitBreaker getCircuitBreaker() {
		return this.circuitBreaker;
	}

	public StandingQueue getStandingQueue() {
		return this.standingQueue;
	}

	public Integer getFilterOrder() {
		return this.filterOrder;
	}

	public void setFilterOrder(Integer filterOrder) {
		this.filterOrder = filterOrder;
	}

	/**
	 * A route: the requests it covers, their priority and their deadline.
	 */
	public static class Route {

		/**
		 * Path patterns of the route, such as /api/upload/**.
		 */
		private List<String> paths = new ArrayList<>();

		/**
		 * HTTP methods of the route; all when empty.
		 */
		private List<String> methods = new ArrayList<>();

		/**
		 * Priority of its requests; default-priority when not set.
		 */
		private Priority priority;

		/**
		 * Deadline of its requests, from their arrival; request-timeout when not set.
		 */
		private Duration timeout;

		public List<String> getPaths() {
			return this.paths;
		}

		public void setPaths(List<String> paths) {
			this.paths = paths;
		}

		public List<String> getMethods() {
			return this.methods;
		}

		public void setMethods(List<String> methods) {
			this.methods = methods;
		}

		public Priority getPriority() {
			return this.priority;
		}

		public void setPriority(Priority priority) {
			this.priority = priority;
		}

		public Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(Duration timeout) {
			this.timeout = timeout;
		}

	}

	/**
	 * Sheds load when the heap stays full after garbage collection.
	 */
	public static class MemoryPressure {

		/**
		 * Share of the heap used after the last collection above which low priority is
		 * refused and medium is no longer queued; 1 turns it off.
		 */
		private double heapThreshold = 0.85;

		public double getHeapThreshold() {
			return this.heapThreshold;
		}

		public void setHeapThreshold(double heapThreshold) {
			this.heapThreshold = heapThreshold;
		}

	}

	/**
	 * Refuses medium and low priority at once while too many responses are server errors.
	 */
	public static class CircuitBreaker {

		/**
		 * Whether the breaker is on.
		 */
		private boolean enabled = true;

		/**
		 * Share of 5xx responses, in percent, over the window that opens the breaker.
		 */
		private int failureRate = 50;

		/**
		 * How many of the latest responses the failure rate is measured over.
		 */
		private int window = 20;

		/**
		 * How long the breaker stays open before it lets a few requests through to test.
		 */
		private Duration openFor = Duration.ofSeconds(30);

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public int getFailureRate() {
			return this.failureRate;
		}

		public void setFailureRate(int failureRate) {
			this.failureRate = failureRate;
		}

		public int getWindow() {
			return this.window;
		}

		public void setWindow(int window) {
			this.window = window;
		}

		public Duration getOpenFor() {
			return this.openFor;
		}

		public void setOpenFor(Duration openFor) {
			this.openFor = openFor;
		}

	}

	/**
	 * Keeps a standing queue from turning into latency (CoDel).
	 */
	public static class StandingQueue {

		/**
		 * The wait the oldest waiter must stay above, over a whole interval, for the queue
		 * to count as standing; then waiters older than twice this are refused and the
		 * newest are served first.
		 */
		private Duration target = Duration.ofMillis(5);

		/**
		 * How long the wait must stay above the target.
		 */
		private Duration interval = Duration.ofMillis(100);

		public Duration getTarget() {
			return this.target;
		}

		public void setTarget(Duration target) {
			this.target = target;
		}

		public Duration getInterval() {
			return this.interval;
		}

		public void setInterval(Duration interval) {
			this.interval = interval;
		}

	}

}
