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
	void aSlowdownStaysAboveItsBaselineLongerThanAnAlertWaitsToFire() {
		ServerRequestWindow window = new ServerRequestWindow(this.registry, Duration.ofMinutes(1),
				Duration.ofHours(1), this.nanos::get);
		window.sample();
		for (int step = 0; step < 6 * 60; step++) {
			tick(Duration.ofSeconds(10));
			record(30, "200", Duration.ofMillis(10));
			window.sample();
		}
		int aboveTwice = 0;
		for (int step = 0; step < 6 * 10; step++) {
			tick(Duration.ofSeconds(10));
			record(30, "200", Duration.ofMillis(100));
			window.sample();
			if (window.p99AgainstBaseline() > 2) {
				aboveTwice++;
			}
		}
		assertThat(aboveTwice).as("10-second steps of the 10 slow minutes above twice the baseline")
			.isGreaterThan(6 * 9);
	}

	@Test
	void aRegistryWhoseBucketsRollOverGivesItsOwnRecentPercentile() {
		io.micrometer.core.instrument.MockClock clock = new io.micrometer.core.instrument.MockClock();
		SimpleMeterRegistry rolling = new SimpleMeterRegistry(io.micrometer.core.instrument.simple.SimpleConfig.DEFAULT,
				clock);
		ServerRequestWindow window = new ServerRequestWindow(rolling, Duration.ofMinutes(1), Duration.ofHours(1),
				this.nanos::get);
		Timer timer = Timer.builder("http.server.requests")
			.tag("status", "200")
			.serviceLevelObjectives(Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50))
			.distributionStatisticExpiry(Duration.ofMinutes(1))
			.distributionStatisticBufferLength(3)
			.register(rolling);
		for (int minute = 0; minute < 5; minute++) {
			for (int i = 0; i < 100; i++) {
				timer.record(20, TimeUnit.MILLISECONDS);
			}
			clock.add(Duration.ofMinutes(1));
			tick(Duration.ofMinutes(1));
			window.sample();
		}
		for (int i = 0; i < 100; i++) {
			timer.record(20, TimeUnit.MILLISECONDS);
		}
		tick(Duration.ofSeconds(10));
		window.sample();
		assertThat(window.p99()).isBetween(0.01, 0.025);
		assertThat(window.p99AgainstBaseline()).as("no baseline without running totals").isNaN();
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
