package dev.scalability.health;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The signals the service can read, by name.
 */
public final class Signals {

	/**
	 * The prefix of a signal read from any meter by its name.
	 */
	public static final String METER_PREFIX = "meter:";

	private final Map<String, Signal> byName = new LinkedHashMap<>();

	private final java.util.function.Function<String, Signal> meters;

	public Signals(Collection<Signal> signals) {
		this(signals, null);
	}

	/**
	 * Creates the signals.
	 * @param signals the named signals
	 * @param meters reads a meter by its name, for {@code meter:<name>} signals, or
	 * {@code null} for none
	 */
	public Signals(Collection<Signal> signals, java.util.function.Function<String, Signal> meters) {
		signals.forEach((signal) -> this.byName.put(signal.name(), signal));
		this.meters = meters;
	}

	public Optional<Signal> find(String name) {
		Signal signal = this.byName.get(name);
		if (signal == null && this.meters != null && name.startsWith(METER_PREFIX)
				&& name.length() > METER_PREFIX.length()) {
			return Optional.of(this.meters.apply(name.substring(METER_PREFIX.length())));
		}
		return Optional.ofNullable(signal);
	}

	public Collection<String> names() {
		return this.byName.keySet();
	}

}
