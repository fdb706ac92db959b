package dev.scalability.health.metrics;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The server's requests over the recent window, from the request timers' running totals:
 * error rate, 99th percentile, and that percentile against the baseline before.
 */
class ServerRequestWindowTests {

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	private final AtomicLong nanos = new AtomicLong();

	private final ServerRequestWindow window = new ServerRequestWindow(this.registry, Duration.ofMinutes(1),
			Duration.ofMinutes(10), this.nanos::get);

	@Test
	void theErrorRateAndPercentileAreThoseOfTheWindowNotOfTheWholeRun() {
		record(900, "200", Duration.ofMillis(10));
		record(100, "500", Duration.ofMillis(10));
		this.window.sample();
		assertThat(this.window.errorRate()).as("one sample is no window").isNaN();
		tick(Duration.ofSeconds(30));
		record(95, "200", Duration.ofMillis(20));
		record(5, "503", Duration.ofMillis(20));
		this.window.sample();
		tick(Duration.ofSeconds(30));
		record(100, "200", Duration.ofMillis(20));
		this.window.sample();
		assertThat(this.window.errorRate()).isCloseTo(5.0 / 200, within(1e-9));
		assertThat(this.window.p99()).isBetween(0.01, 0.025);
	}

	@Test
	void latencyIsComparedWithTheBaselineBeforeTheWindow() {
		this.window.sample();
		for (int minute = 0; minute < 5; minute++) {
			tick(Duration.ofMinutes(1));
			record(200, "200", Duration.ofMillis(10));
			this.window.sample();
		}
		tick(Duration.ofMinutes(1));
		record(200, "200", Duration.ofMillis(100));
		this.window.sample();
		assertThat(this.window.p99AgainstBaseline()).isGreaterThan(5);
	}

	@Test
	void withoutRequestsNothingIsKnown() {
		this.window.sample();
		tick(Duration.ofMinutes(1));
		this.window.sample();
		assertThat(this.window.errorRate()).isNaN();
		assertThat(this.window.p99()).isNaN();
		assertThat(this.window.p99AgainstBaseline()).isNaN();
	}

	private void record(int count, String status, Duration time) {
		Timer timer = Timer.builder("http.server.requests")
			.tag("status", status)
			.tag("outcome", status.startsWith("5") ? "SERVER_ERROR" : "SUCCESS")
			.publishPercentileHistogram()
			.serviceLevelObjectives(Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
					Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250))
			.register(this.registry);
		for (int i = 0; i < count; i++) {
			timer.record(time.toNanos(), TimeUnit.NANOSECONDS);
		}
	}

	private void tick(Duration by) {
		this.nanos.addAndGet(by.toNanos());
	}

}
