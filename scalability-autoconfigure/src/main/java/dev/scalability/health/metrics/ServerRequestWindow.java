package dev.scalability.health.metrics;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;

/**
 * The server's requests over a recent window, from Spring's own {@code http.server.requests}
 * timers: how many, how many failed with a 5xx, their 99th percentile (from the timers'
 * histogram buckets), and the same percentile over a longer baseline. It samples the
 * timers' running totals at a fixed step and subtracts.
 *
 * <p>Histogram buckets are running totals in Prometheus's registry, but a rolling window of
 * their own in the others (the simple registry, step registries): there, the percentile is
 * the registry's own, over the last {@code window} (the filter that adds the buckets sets
 * that expiry), and there is no baseline. The baseline ends a gap before the window begins,
 * so that a slowdown does not become its own baseline before an alert on it can fire.
 */
public final class ServerRequestWindow {

	static final String REQUESTS = "http.server.requests";

	static final String REJECTED = "scalability.requestqueue.rejected";

	/**
	 * A percentile over fewer requests says little: below this, it is unknown.
	 */
	static final long FEWEST_FOR_PERCENTILE = 20;

	/**
	 * Between the baseline's end and the window's beginning: longer than an alert on the
	 * latency waits before it fires.
	 */
	static final Duration BASELINE_GAP = Duration.ofMinutes(15);

	private final MeterRegistry registry;

	private final Duration window;

	private final Duration baseline;

	private final LongSupplier nanoTime;

	private final Deque<Sample> samples = new ArrayDeque<>();

	/**
	 * Creates a window.
	 * @param registry where the timers are
	 * @param window the recent window, such as a minute
	 * @param baseline the longer window latency is compared with, such as an hour
	 * @param nanoTime the time of the samples
	 */
	public ServerRequestWindow(MeterRegistry registry, Duration window, Duration baseline, LongSupplier nanoTime) {
		this.registry = registry;
		this.window = window;
		this.baseline = baseline;
		this.nanoTime = nanoTime;
	}

	/**
	 * Takes a sample of the timers' totals; the samples older than the baseline go.
	 */
	public synchronized void sample() {
		long now = this.nanoTime.getAsLong();
		long count = 0;
		long errors = 0;
		TreeMap<Double, Double> buckets = new TreeMap<>();
		for (Timer timer : this.registry.find(REQUESTS).timers()) {
			HistogramSnapshot snapshot = timer.takeSnapshot();
			count += snapshot.count();
			String status = timer.getId().getTag("status");
			String outcome = timer.getId().getTag("outcome");
			if ((status != null && status.startsWith("5")) || "SERVER_ERROR".equals(outcome)) {
				errors += snapshot.count();
			}
			for (CountAtBucket bucket : snapshot.histogramCounts()) {
				buckets.merge(bucket.bucket(java.util.concurrent.TimeUnit.SECONDS), bucket.count(), Double::sum);
			}
		}
		double rejected = 0;
		for (Counter counter : this.registry.find(REJECTED).counters()) {
			rejected += counter.count();
		}
		this.samples.addLast(new Sample(now, count, errors, rejected, buckets));
		long kept = this.baseline.plus(BASELINE_GAP).plus(this.window).toNanos();
		while (this.samples.size() > 2 && now - this.samples.peekFirst().nanos > kept) {
			this.samples.removeFirst();
		}
	}

	/**
	 * The share of the window's requests that failed with a 5xx.
	 * @return between 0 and 1, NaN without requests
	 */
	public synchronized double errorRate() {
		Sample[] span = span(this.window);
		if (span == null) {
			return Double.NaN;
		}
		long requests = span[1].count - span[0].count;
		return (requests > 0) ? (double) (span[1].errors - span[0].errors) / requests : Double.NaN;
	}

	/**
	 * The share of the window's requests the request queue refused.
	 * @return between 0 and 1, NaN without requests
	 */
	public synchronized double rejectionRate() {
		Sample[] span = span(this.window);
		if (span == null) {
			return Double.NaN;
		}
		long requests = span[1].count - span[0].count;
		return (requests > 0) ? Math.min(1, (span[1].rejected - span[0].rejected) / requests) : Double.NaN;
	}

	/**
	 * The 99th percentile of the window's request times.
	 * @return seconds, NaN with too few requests or no histogram
	 */
	public synchronized double p99() {
		Sample last = this.samples.peekLast();
		if (last != null && !last.cumulative()) {
			return percentile(null, last, 0.99);
		}
		Sample[] span = span(this.window);
		return (span != null) ? percentile(span[0], span[1], 0.99) : Double.NaN;
	}

	/**
	 * The window's 99th percentile against the baseline's.
	 * @return the ratio, NaN when either is unknown
	 */
	public synchronized double p99AgainstBaseline() {
		Sample[] recent = span(this.window);
		if (recent == null || !recent[1].cumulative()) {
			return Double.NaN;
		}
		long baselineEnd = recent[0].nanos - BASELINE_GAP.toNanos();
		Sample end = null;
		Sample start = null;
		for (Sample sample : this.samples) {
			if (sample.nanos <= baselineEnd) {
				end = sample;
				if (start == null) {
					start = sample;
				}
			}
		}
		if (start == null || start == end) {
			return Double.NaN;
		}
		double baselineP99 = percentile(start, end, 0.99);
		double recentP99 = percentile(recent[0], recent[1], 0.99);
		return (baselineP99 > 0) ? recentP99 / baselineP99 : Double.NaN;
	}

	/**
	 * The newest sample and the newest one at least {@code length} older, or {@code null}.
	 */
	private Sample[] span(Duration length) {
		if (this.samples.size() < 2) {
			return null;
		}
		Sample last = this.samples.peekLast();
		Sample from = this.samples.peekFirst();
		for (Sample sample : this.samples) {
			if (last.nanos - sample.nanos >= length.toNanos()) {
				from = sample;
			}
			else {
				break;
			}
		}
		return (from == last) ? null : new Sample[] { from, last };
	}

	/**
	 * The percentile of the requests between two samples, or of the last one's own window
	 * when {@code from} is {@code null}.
	 */
	private static double percentile(Sample from, Sample to, double quantile) {
		double requests = (from != null) ? to.count - from.count : to.bucketed();
		if (requests < FEWEST_FOR_PERCENTILE || to.buckets.isEmpty()) {
			return Double.NaN;
		}
		double rank = quantile * requests;
		double previousBound = 0;
		double previousCount = 0;
		for (Map.Entry<Double, Double> bucket : to.buckets.entrySet()) {
			double count = bucket.getValue() - ((from != null) ? from.buckets.getOrDefault(bucket.getKey(), 0.0) : 0);
			if (count >= rank) {
				double inBucket = count - previousCount;
				double share = (inBucket > 0) ? (rank - previousCount) / inBucket : 1;
				return previousBound + (bucket.getKey() - previousBound) * share;
			}
			previousBound = bucket.getKey();
			previousCount = count;
		}
		return previousBound;
	}

	private record Sample(long nanos, long count, long errors, double rejected, TreeMap<Double, Double> buckets) {

		/**
		 * The requests the buckets hold: those up to the largest bound.
		 */
		double bucketed() {
			return this.buckets.isEmpty() ? 0 : this.buckets.lastEntry().getValue();
		}

		/**
		 * Whether the buckets are running totals, as the count is, rather than a rolling
		 * window of the registry's own, which holds fewer.
		 */
		boolean cumulative() {
			return this.count == 0 || bucketed() >= 0.99 * this.count;
		}

	}

}
