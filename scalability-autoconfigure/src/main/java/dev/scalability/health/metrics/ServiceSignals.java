package dev.scalability.health.metrics;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleSupplier;

import dev.scalability.health.Signal;
import dev.scalability.health.Signal.Unit;
import dev.scalability.health.Signals;
import dev.scalability.jvm.HeapUsage;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The service's signals: the JVM's, the server's requests (from their Micrometer timers)
 * and the starter's own meters.
 *
 * <ul>
 * <li>{@code heap-after-gc}: the share of the heap in use after the last collection;</li>
 * <li>{@code cpu}: the process's share of the machine's CPUs;</li>
 * <li>{@code error-rate}: the share of the window's requests that failed with a 5xx;</li>
 * <li>{@code p99-latency}: the window's 99th percentile of request times, in seconds;</li>
 * <li>{@code latency-vs-baseline}: that percentile against the baseline's;</li>
 * <li>{@code queue-rejections}: the share of the window's requests the request queue
 * refused;</li>
 * <li>{@code breakers-open}: the circuit breakers open now;</li>
 * <li>{@code dead-letters}: the tasks in dead-letter queues;</li>
 * <li>{@code event-lag}: the largest backlog of an event listener group;</li>
 * <li>{@code pool-saturation}: the busiest connection pool's share of its connections in
 * use (HikariCP);</li>
 * <li>{@code pool-pending}: the callers waiting for a pooled connection;</li>
 * <li>{@code unhealthy}: 1 while the application's health is down or out of service;</li>
 * <li>{@code meter:<name>}: the sum of a meter's gauges now, or how much its counters,
 * timers and summaries grew over the window.</li>
 * </ul>
 */
public final class ServiceSignals {

	private ServiceSignals() {
	}

	/**
	 * The service's signals.
	 * @param registry the meters
	 * @param requests the server's requests over the window
	 * @param heap the heap after collections
	 * @param breakersOpen counts the open breakers, or {@code null} without breakers
	 * @param unhealthy 1 while the application is unhealthy, or {@code null} without health
	 * @param window the window a meter's growth is read over
	 * @return the signals
	 */
	public static Signals of(MeterRegistry registry, ServerRequestWindow requests, HeapUsage heap,
			DoubleSupplier breakersOpen, DoubleSupplier unhealthy, java.time.Duration window) {
		List<Signal> signals = new ArrayList<>();
		signals.add(Signal.of("heap-after-gc", heap::usedAfterGc, Unit.RATIO));
		signals.add(Signal.of("cpu", ServiceSignals::processCpu, Unit.RATIO));
		signals.add(Signal.of("error-rate", requests::errorRate, Unit.RATIO));
		signals.add(Signal.of("p99-latency", requests::p99, Unit.SECONDS));
		signals.add(Signal.of("latency-vs-baseline", requests::p99AgainstBaseline, Unit.NUMBER));
		signals.add(Signal.of("queue-rejections", requests::rejectionRate, Unit.RATIO));
		signals.add(Signal.of("breakers-open", (breakersOpen != null) ? breakersOpen : () -> 0, Unit.NUMBER));
		signals.add(Signal.of("dead-letters", () -> gauges(registry, "scalability.tasks.dead", false), Unit.NUMBER));
		signals.add(Signal.of("event-lag", () -> gauges(registry, "scalability.events.lag", true), Unit.NUMBER));
		signals.add(Signal.of("pool-saturation", () -> poolSaturation(registry), Unit.RATIO));
		signals.add(Signal.of("pool-pending", () -> gauges(registry, "hikaricp.connections.pending", false),
				Unit.NUMBER));
		if (unhealthy != null) {
			signals.add(Signal.of("unhealthy", unhealthy, Unit.NUMBER));
		}
		return new Signals(signals, (name) -> new MeterSignal(registry, name, window, System::nanoTime));
	}

	private static double processCpu() {
		OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
		if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
			double load = sun.getProcessCpuLoad();
			return (load >= 0) ? load : Double.NaN;
		}
		return Double.NaN;
	}

	/**
	 * The sum, or the largest, of the gauges of a name; 0 without any.
	 */
	private static double gauges(MeterRegistry registry, String name, boolean largest) {
		double result = 0;
		for (Gauge gauge : registry.find(name).gauges()) {
			double value = gauge.value();
			if (!Double.isNaN(value)) {
				result = largest ? Math.max(result, value) : result + value;
			}
		}
		return result;
	}

	private static double poolSaturation(MeterRegistry registry) {
		double busiest = Double.NaN;
		for (Gauge max : registry.find("hikaricp.connections.max").gauges()) {
			String pool = max.getId().getTag("pool");
			Gauge active = registry.find("hikaricp.connections.active").tag("pool", pool).gauge();
			if (active != null && max.value() > 0) {
				double share = active.value() / max.value();
				busiest = Double.isNaN(busiest) ? share : Math.max(busiest, share);
			}
		}
		return busiest;
	}



}
