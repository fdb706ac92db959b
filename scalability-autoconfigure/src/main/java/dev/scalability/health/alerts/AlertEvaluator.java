package dev.scalability.health.alerts;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import dev.scalability.health.Signal;
import dev.scalability.health.Signals;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Evaluates the alert rules on a schedule, on a thread of its own: a rule whose signal
 * stays above its value for its duration fires, and resolves when the signal falls to its
 * resolve value; each change goes to every channel. A signal that cannot be read leaves
 * its alert as it was.
 */
public final class AlertEvaluator implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(AlertEvaluator.class);

	/**
	 * How long a firing alert's signal may stay unknown (no requests, an instance out of
	 * rotation) before the alert resolves.
	 */
	static final Duration UNKNOWN_RESOLVES_AFTER = Duration.ofMinutes(5);

	private final java.util.concurrent.atomic.AtomicLong sequence = new java.util.concurrent.atomic.AtomicLong();

	private final List<Watched> watched = new ArrayList<>();

	private final List<AlertChannel> channels;

	private final AlertObserver observer;

	private final Clock clock;

	private final String instance;

	private ScheduledExecutorService schedule;

	/**
	 * Creates an evaluator.
	 * @param rules the rules
	 * @param signals the signals they watch
	 * @param channels where alerts go
	 * @param observer hears what is sent
	 * @param clock the time
	 * @param instance this instance's name, in the notifications
	 * @throws IllegalArgumentException when a rule watches a signal there is not
	 */
	public AlertEvaluator(List<AlertRule> rules, Signals signals, List<AlertChannel> channels, AlertObserver observer,
			Clock clock, String instance) {
		for (AlertRule rule : rules) {
			Signal signal = signals.find(rule.signal())
				.orElseThrow(() -> new IllegalArgumentException(
						"alert '" + rule.name() + "' watches signal '" + rule.signal() + "', which is not one of "
								+ signals.names()));
			this.watched.add(new Watched(rule, signal));
		}
		this.channels = List.copyOf(channels);
		this.observer = observer;
		this.clock = clock;
		this.instance = instance;
	}

	/**
	 * Evaluates every rule now.
	 * @return the notifications sent
	 */
	public synchronized List<AlertNotification> evaluate() {
		List<AlertNotification> sent = new ArrayList<>();
		Instant now = this.clock.instant();
		for (Watched alert : this.watched) {
			double value;
			try {
				value = alert.signal.read();
			}
			catch (RuntimeException ex) {
				logger.debug("Signal '" + alert.signal.name() + "' could not be read", ex);
				continue;
			}
			AlertNotification notification = alert.next(value, now, this.instance, this.sequence);
			if (notification != null) {
				sent.add(notification);
				send(notification);
			}
		}
		return sent;
	}

	private void send(AlertNotification notification) {
		for (AlertChannel channel : this.channels) {
			try {
				channel.send(notification);
			}
			catch (RuntimeException ex) {
				this.observer.notified(channel.name(), "failed");
				logger.warn("Alert channel '" + channel.name() + "' failed to take alert '" + notification.alert()
						+ "'", ex);
			}
		}
	}

	/**
	 * Every alert's state now.
	 * @return each alert's details, by name
	 */
	public Map<String, Map<String, Object>> describe() {
		Map<String, Map<String, Object>> described = new LinkedHashMap<>();
		this.watched.forEach((alert) -> described.put(alert.rule.name(), alert.describe()));
		return described;
	}

	/**
	 * Whether an alert is firing now.
	 * @param name the alert's name
	 * @return whether it is
	 */
	public boolean firing(String name) {
		return this.watched.stream().anyMatch((alert) -> alert.rule.name().equals(name) && alert.state == State.FIRING);
	}

	public List<AlertRule> rules() {
		return this.watched.stream().map((alert) -> alert.rule).toList();
	}

	/**
	 * Evaluates every rule at a fixed interval, from now on.
	 * @param interval the interval
	 */
	public synchronized void start(Duration interval) {
		if (this.schedule != null) {
			return;
		}
		this.schedule = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "scalability-alerts");
			thread.setDaemon(true);
			return thread;
		});
		this.schedule.scheduleWithFixedDelay(() -> {
			try {
				evaluate();
			}
			catch (RuntimeException ex) {
				logger.warn("Alert evaluation failed", ex);
			}
		}, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
	}

	/**
	 * Stops evaluating, and tells the channels that the alerts firing here are resolved:
	 * this instance will not say so later, and a receiver must not keep them open forever.
	 * @return the notifications sent
	 */
	public synchronized List<AlertNotification> stop() {
		close();
		List<AlertNotification> sent = new ArrayList<>();
		Instant now = this.clock.instant();
		for (Watched alert : this.watched) {
			if (alert.state == State.FIRING) {
				AlertNotification resolved = alert.stopped(now, this.instance, this.sequence);
				sent.add(resolved);
				send(resolved);
			}
		}
		return sent;
	}

	@Override
	public synchronized void close() {
		if (this.schedule != null) {
			this.schedule.shutdownNow();
			this.schedule = null;
		}
	}

	enum State {

		INACTIVE, PENDING, FIRING

	}

	/**
	 * A rule, its signal and where it stands.
	 */
	private static final class Watched {

		private final AlertRule rule;

		private final Signal signal;

		// Written by the evaluation, read by scrapes and the snapshot without waiting for it.
		private volatile State state = State.INACTIVE;

		private volatile Instant since;

		private volatile double lastValue = Double.NaN;

		private Instant unknownSince;

		private java.util.concurrent.atomic.AtomicLong sequence;

		Watched(AlertRule rule, Signal signal) {
			this.rule = rule;
			this.signal = signal;
		}

		AlertNotification next(double value, Instant now, String instance, java.util.concurrent.atomic.AtomicLong sequence) {
			this.sequence = sequence;
			if (Double.isNaN(value)) {
				if (this.unknownSince == null) {
					this.unknownSince = now;
				}
				this.lastValue = value;
				if (this.state == State.FIRING
						&& Duration.between(this.unknownSince, now).compareTo(UNKNOWN_RESOLVES_AFTER) >= 0) {
					// Nothing says it is still bad: an alert must not fire forever on silence.
					this.state = State.INACTIVE;
					AlertNotification resolved = notification("resolved", value, now, instance);
					this.since = null;
					return resolved;
				}
				return null;
			}
			this.unknownSince = null;
			this.lastValue = value;
			boolean above = value > this.rule.above();
			switch (this.state) {
				case INACTIVE -> {
					if (above) {
						this.state = State.PENDING;
						this.since = now;
						return firesYet(value, now, instance);
					}
				}
				case PENDING -> {
					if (!above) {
						this.state = State.INACTIVE;
						this.since = null;
					}
					else {
						return firesYet(value, now, instance);
					}
				}
				case FIRING -> {
					if (value <= this.rule.resolveAtOrBelow()) {
						this.state = State.INACTIVE;
						AlertNotification resolved = notification("resolved", value, now, instance);
						this.since = null;
						return resolved;
					}
				}
			}
			return null;
		}

		AlertNotification stopped(Instant now, String instance, java.util.concurrent.atomic.AtomicLong sequence) {
			this.sequence = sequence;
			this.state = State.INACTIVE;
			AlertNotification resolved = new AlertNotification(this.rule.name(), "resolved", this.rule.severity().tag(),
					this.signal.name(), "unknown (the instance stopped)", this.signal.format(this.rule.above()),
					this.since, now, this.rule.description(), instance, sequence.incrementAndGet());
			this.since = null;
			return resolved;
		}

		private AlertNotification firesYet(double value, Instant now, String instance) {
			if (Duration.between(this.since, now).compareTo(this.rule.forDuration()) < 0) {
				return null;
			}
			this.state = State.FIRING;
			this.since = now;
			return notification("firing", value, now, instance);
		}

		private AlertNotification notification(String state, double value, Instant now, String instance) {
			return new AlertNotification(this.rule.name(), state, this.rule.severity().tag(), this.signal.name(),
					Double.isNaN(value) ? "unknown" : this.signal.format(value), this.signal.format(this.rule.above()),
					this.since, now, this.rule.description(), instance, this.sequence.incrementAndGet());
		}

		Map<String, Object> describe() {
			Map<String, Object> described = new LinkedHashMap<>();
			described.put("state", this.state.name().toLowerCase(java.util.Locale.ROOT));
			described.put("severity", this.rule.severity().tag());
			described.put("signal", this.signal.name());
			described.put("value", Double.isNaN(this.lastValue) ? "unknown" : this.signal.format(this.lastValue));
			described.put("threshold", this.signal.format(this.rule.above()));
			described.put("for", this.rule.forDuration().toString());
			if (this.since != null) {
				described.put("since", this.since.toString());
			}
			return described;
		}

	}

}
