package dev.scalability.health;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A signal's limit, for health: above it, the service is degraded (it still serves, and
 * stays live and ready; the details say what is exceeded).
 *
 * @param signal the signal
 * @param limit the largest healthy value
 */
public record Threshold(Signal signal, double limit) {

	/**
	 * Reads the signal against its limit.
	 * @return what it read: {@code value}, {@code threshold}, {@code exceeded}
	 */
	public Reading read() {
		double value = this.signal.read();
		return new Reading(this.signal.name(), value, this.limit, !Double.isNaN(value) && value > this.limit,
				this.signal);
	}

	/**
	 * A signal read against its limit.
	 *
	 * @param name the signal's name
	 * @param value what it read, NaN when unknown
	 * @param limit its limit
	 * @param exceeded whether it is above its limit
	 * @param signal the signal, to show values
	 */
	public record Reading(String name, double value, double limit, boolean exceeded, Signal signal) {

		public Map<String, Object> describe() {
			Map<String, Object> described = new LinkedHashMap<>();
			described.put("value", Double.isNaN(this.value) ? "unknown" : this.signal.format(this.value));
			described.put("threshold", this.signal.format(this.limit));
			described.put("status", this.exceeded ? "EXCEEDED" : "OK");
			return described;
		}

	}

}
