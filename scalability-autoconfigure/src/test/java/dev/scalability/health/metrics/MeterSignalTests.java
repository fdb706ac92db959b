package dev.scalability.health.metrics;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A meter as a signal: a counter's growth over the window, so that an alert on failures
 * resolves once they stop; a gauge's value now.
 */
class MeterSignalTests {

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	private final AtomicLong nanos = new AtomicLong();

	@Test
	void aCounterReadsAsItsGrowthOverTheWindowSoQuietMakesItFallBackToZero() {
		Counter failed = Counter.builder("orders.failed").register(this.registry);
		MeterSignal signal = new MeterSignal(this.registry, "orders.failed", Duration.ofMinutes(1), this.nanos::get);
		assertThat(signal.read()).as("no growth known yet").isNaN();
		failed.increment(4);
		this.nanos.addAndGet(Duration.ofSeconds(10).toNanos());
		assertThat(signal.read()).isEqualTo(4);
		for (int i = 0; i < 7; i++) {
			this.nanos.addAndGet(Duration.ofSeconds(10).toNanos());
			signal.read();
		}
		assertThat(signal.read()).as("nothing failed in the last minute").isZero();
	}

	@Test
	void aGaugeReadsAsItsValueNowAndAMissingMeterAsUnknown() {
		AtomicLong depth = new AtomicLong(7);
		Gauge.builder("queue.depth", depth, AtomicLong::get).register(this.registry);
		assertThat(new MeterSignal(this.registry, "queue.depth", Duration.ofMinutes(1), this.nanos::get).read())
			.isEqualTo(7);
		assertThat(new MeterSignal(this.registry, "nowhere", Duration.ofMinutes(1), this.nanos::get).read()).isNaN();
	}

}
