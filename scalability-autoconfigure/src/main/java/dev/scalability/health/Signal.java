package dev.scalability.health;

/**
 * One of the service's vital signs, read now.
 */
public interface Signal {

	/**
	 * The signal's name, such as {@code error-rate}.
	 * @return the name
	 */
	String name();

	/**
	 * Reads the signal.
	 * @return its value, or {@link Double#NaN} while it cannot be known (no request yet, a
	 * meter that is not there)
	 */
	double read();

	/**
	 * How to show a value of this signal.
	 * @param value a value it read
	 * @return the value for people, such as {@code 4.2%} or {@code 350ms}
	 */
	default String format(double value) {
		return String.format(java.util.Locale.ROOT, "%.3f", value);
	}

	/**
	 * A signal read by a function.
	 * @param name its name
	 * @param reader reads it
	 * @param unit how its values read: {@code ratio}, {@code seconds} or {@code count}
	 * @return the signal
	 */
	static Signal of(String name, java.util.function.DoubleSupplier reader, Unit unit) {
		return new Signal() {

			@Override
			public String name() {
				return name;
			}

			@Override
			public double read() {
				return reader.getAsDouble();
			}

			@Override
			public String format(double value) {
				return unit.format(value);
			}

		};
	}

	/**
	 * How a signal's values read.
	 */
	enum Unit {

		/**
		 * A fraction, shown as a percentage.
		 */
		RATIO {
			@Override
			String format(double value) {
				return String.format(java.util.Locale.ROOT, "%.1f%%", value * 100);
			}
		},

		/**
		 * A duration in seconds, shown in milliseconds.
		 */
		SECONDS {
			@Override
			String format(double value) {
				return String.format(java.util.Locale.ROOT, "%.0fms", value * 1000);
			}
		},

		/**
		 * A number of things, or a factor.
		 */
		NUMBER {
			@Override
			String format(double value) {
				return (value == Math.rint(value)) ? Long.toString((long) value)
						: String.format(java.util.Locale.ROOT, "%.2f", value);
			}
		};

		abstract String format(double value);

	}

}
