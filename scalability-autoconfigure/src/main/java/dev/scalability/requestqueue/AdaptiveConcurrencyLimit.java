package dev.scalability.requestqueue;

import com.netflix.concurrency.limits.Limit;
import com.netflix.concurrency.limits.limit.Gradient2Limit;
import com.netflix.concurrency.limits.limit.VegasLimit;
import com.netflix.concurrency.limits.limit.functions.Log10RootIntFunction;

/**
 * A limit that follows measured latency, with the algorithms of Netflix's
 * concurrency-limits: Gradient2 (compares short- and long-term latency) or Vegas (compares
 * latency with the lowest seen). Kept between a floor and a ceiling, so that a burst of
 * slow responses never starves the service and a burst of fast ones never floods it.
 */
public final class AdaptiveConcurrencyLimit implements ConcurrencyLimit {

	/**
	 * The algorithms offered.
	 */
	public enum Algorithm {

		GRADIENT2, VEGAS

	}

	private final Limit limit;

	private final int min;

	private final int max;

	private AdaptiveConcurrencyLimit(Limit limit, int min, int max) {
		this.limit = limit;
		this.min = min;
		this.max = max;
	}

	/**
	 * A limit between two bounds, starting at the floor: it grows while latency holds.
	 * @param algorithm the algorithm
	 * @param min the floor, at least 1
	 * @param max the ceiling, at least the floor
	 * @return the limit
	 */
	public static AdaptiveConcurrencyLimit of(Algorithm algorithm, int min, int max) {
		if (min < 1 || max < min) {
			throw new IllegalArgumentException("need 1 <= min <= max, not " + min + " and " + max);
		}
		Limit limit = switch (algorithm) {
			// Netflix's default headroom of 4 is meant for limits in the hundreds: at a limit of
			// 8 it would keep the limit from ever backing off. One plus log10 of the limit
			// grows as fast and still backs off.
			case GRADIENT2 -> Gradient2Limit.newBuilder()
				.initialLimit(min)
				.minLimit(min)
				.maxConcurrency(max)
				.queueSizeFunction(Log10RootIntFunction.create(1))
				.build();
			case VEGAS -> VegasLimit.newBuilder().initialLimit(min).maxConcurrency(max).build();
		};
		return new AdaptiveConcurrencyLimit(limit, min, max);
	}

	@Override
	public int current() {
		return Math.max(this.min, Math.min(this.max, this.limit.getLimit()));
	}

	@Override
	public void onSample(long startNanos, long rttNanos, int inflight, boolean dropped) {
		this.limit.onSample(startNanos, rttNanos, inflight, dropped);
	}

	@Override
	public boolean adaptive() {
		return true;
	}

	@Override
	public String toString() {
		return "adaptive(" + this.limit + ")";
	}

}
