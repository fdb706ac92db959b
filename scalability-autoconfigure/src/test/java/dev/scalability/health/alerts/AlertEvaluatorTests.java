package dev.scalability.health.alerts;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import dev.scalability.health.Signal;
import dev.scalability.health.Signals;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * An alert fires once its signal stays above its value for its duration, resolves at its
 * resolve value, and each change reaches every channel once.
 */
class AlertEvaluatorTests {

	private final AtomicReference<Double> errorRate = new AtomicReference<>(0.0);

	private final AtomicLong millis = new AtomicLong(Instant.parse("2026-01-01T00:00:00Z").toEpochMilli());

	private final List<AlertNotification> sent = new CopyOnWriteArrayList<>();

	private final Signals signals = new Signals(
			List.of(Signal.of("error-rate", this.errorRate::get, Signal.Unit.RATIO)));

	@Test
	void anAlertFiresOnlyOnceItsSignalStaysAboveForItsDurationAndResolvesAtItsResolveValue() {
		AlertEvaluator alerts = evaluator(new AlertRule("errors", "error-rate", 0.05, 0.02, Duration.ofMinutes(1),
				AlertRule.Severity.CRITICAL, "Too many errors"));
		this.errorRate.set(0.10);
		assertThat(alerts.evaluate()).isEmpty();
		assertThat(alerts.describe().get("errors")).containsEntry("state", "pending");
		move(Duration.ofSeconds(30));
		this.errorRate.set(0.01);
		assertThat(alerts.evaluate()).as("a spell shorter than its duration").isEmpty();
		this.errorRate.set(0.10);
		alerts.evaluate();
		move(Duration.ofSeconds(61));
		List<AlertNotification> fired = alerts.evaluate();
		assertThat(fired).singleElement().satisfies((alert) -> {
			assertThat(alert.alert()).isEqualTo("errors");
			assertThat(alert.state()).isEqualTo("firing");
			assertThat(alert.severity()).isEqualTo("critical");
			assertThat(alert.value()).isEqualTo("10.0%");
			assertThat(alert.threshold()).isEqualTo("5.0%");
			assertThat(alert.instance()).isEqualTo("instance-1");
		});
		assertThat(alerts.firing("errors")).isTrue();
		this.errorRate.set(0.03);
		assertThat(alerts.evaluate()).as("below 'above' but above the resolve value").isEmpty();
		this.errorRate.set(Double.NaN);
		assertThat(alerts.evaluate()).as("an unknown value changes nothing").isEmpty();
		this.errorRate.set(0.02);
		assertThat(alerts.evaluate()).singleElement().extracting(AlertNotification::state).isEqualTo("resolved");
		assertThat(alerts.firing("errors")).isFalse();
		assertThat(this.sent).extracting(AlertNotification::state).containsExactly("firing", "resolved");
	}

	@Test
	void aFiringAlertWhoseSignalStaysUnknownResolvesRatherThanFireForever() {
		AlertEvaluator alerts = evaluator(new AlertRule("errors", "error-rate", 0.05, 0.05, Duration.ZERO,
				AlertRule.Severity.WARNING, null));
		this.errorRate.set(0.5);
		alerts.evaluate();
		assertThat(alerts.firing("errors")).isTrue();
		this.errorRate.set(Double.NaN);
		alerts.evaluate();
		move(Duration.ofMinutes(4));
		assertThat(alerts.evaluate()).isEmpty();
		move(Duration.ofMinutes(1));
		assertThat(alerts.evaluate()).singleElement().satisfies((resolved) -> {
			assertThat(resolved.state()).isEqualTo("resolved");
			assertThat(resolved.value()).isEqualTo("unknown");
		});
	}

	@Test
	void anInstanceThatStopsResolvesItsFiringAlertsInOrder() {
		AlertEvaluator alerts = evaluator(new AlertRule("errors", "error-rate", 0.05, 0.05, Duration.ZERO,
				AlertRule.Severity.WARNING, null));
		this.errorRate.set(0.5);
		alerts.evaluate();
		alerts.stop();
		assertThat(this.sent).extracting(AlertNotification::state).containsExactly("firing", "resolved");
		assertThat(this.sent.get(1).sequence()).isGreaterThan(this.sent.get(0).sequence());
	}

	@Test
	void aChannelThatFailsDoesNotKeepTheAlertFromTheOthers() {
		List<AlertNotification> others = new CopyOnWriteArrayList<>();
		AlertChannel failing = new AlertChannel() {

			@Override
			public String name() {
				return "failing";
			}

			@Override
			public void send(AlertNotification notification) {
				throw new IllegalStateException("down");
			}

		};
		AlertEvaluator alerts = new AlertEvaluator(
				List.of(new AlertRule("errors", "error-rate", 0.05, 0.05, Duration.ZERO, AlertRule.Severity.WARNING,
						null)),
				this.signals, List.of(failing, recording(others)), AlertObserver.NONE, clock(), "instance-1");
		this.errorRate.set(0.5);
		alerts.evaluate();
		assertThat(others).hasSize(1);
	}

	@Test
	void aRuleOfASignalThereIsNotIsRefused() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> evaluator(new AlertRule("lag", "event-lag", 10, 10, Duration.ZERO,
					AlertRule.Severity.WARNING, null)))
			.withMessageContaining("'event-lag'");
	}

	private AlertEvaluator evaluator(AlertRule rule) {
		return new AlertEvaluator(List.of(rule), this.signals, List.of(recording(this.sent)), AlertObserver.NONE,
				clock(), "instance-1");
	}

	private static AlertChannel recording(List<AlertNotification> into) {
		return new AlertChannel() {

			@Override
			public String name() {
				return "recording";
			}

			@Override
			public void send(AlertNotification notification) {
				into.add(notification);
			}

		};
	}

	private void move(Duration by) {
		this.millis.addAndGet(by.toMillis());
	}

	private Clock clock() {
		return new Clock() {

			@Override
			public ZoneId getZone() {
				return ZoneOffset.UTC;
			}

			@Override
			public Clock withZone(ZoneId zone) {
				return this;
			}

			@Override
			public Instant instant() {
				return Instant.ofEpochMilli(AlertEvaluatorTests.this.millis.get());
			}

		};
	}

}
