package dev.scalability.health.metrics;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.LongSupplier;

import dev.scalability.health.Signal;
import dev.scalability.health.Signals;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * A meter read as a signal, by its name: the sum of its gauges' values now; for counters,
 * timers and summaries, how much their totals grew over the window (unknown until the
 * first read after a second one), so that an alert on failures resolves once they stop.
 */
final class MeterSignal implements Signal {

	private final MeterRegistry registry;

	private final String meter;

	private final Duration window;

	private final LongSupplier nanoTime;

	private final Deque<long[]> totals = new ArrayDeque<>();

	MeterSignal(MeterRegistry registry, String meter, Duration window, LongSupplier nanoTime) {
		this.registry = registry;
		this.meter = meter;
		this.window = window;
		this.nanoTime = nanoTime;
	}

	@Override
	public String name() {
		return Signals.METER_PREFIX + this.meter;
	}

	@Override
	public synchronized double read() {
		double gauges = 0;
		double total = 0;
		boolean counted = false;
		boolean any = false;
		for (Meter found : this.registry.find(this.meter).meters()) {
			any = true;
			if (found instanceof Gauge gauge) {
				gauges += gauge.value();
			}
			else if (found instanceof Counter counter) {
				total += counter.count();
				counted = true;
			}
			else if (found instanceof FunctionCounter counter) {
				total += counter.count();
				counted = true;
			}
			else if (found instanceof Timer timer) {
				total += timer.count();
				counted = true;
			}
			else if (found instanceof FunctionTimer timer) {
				total += timer.count();
				counted = true;
			}
			else if (found instanceof DistributionSummary summary) {
				total += summary.count();
				counted = true;
			}
		}
		if (!any) {
			return Double.NaN;
		}
		if (!counted) {
			return gauges;
		}
		return increase(total);
	}

	private double increase(double total) {
		long now = this.nanoTime.getAsLong();
		this.totals.addLast(new long[] { now, Double.doubleToRawLongBits(total) });
		long[] from = null;
		for (long[] sample : this.totals) {
			if (now - sample[0] >= this.window.toNanos()) {
				from = sample;
			}
		}
		while (this.totals.size() > 1 && this.totals.peekFirst() != from && now - this.totals.peekFirst()[0] > this.window.toNanos()) {
			this.totals.removeFirst();
		}
		if (from == null) {
			from = this.totals.peekFirst();
			if (from[0] == now) {
				return Double.NaN;
			}
		}
		// A total that fell (a meter removed and made again) starts over.
		return Math.max(0, total - Double.longBitsToDouble(from[1]));
	}

	@Override
	public String format(double value) {
		return (value == Math.rint(value)) ? Long.toString((long) value)
				: String.format(java.util.Locale.ROOT, "%.2f", value);
	}

}
