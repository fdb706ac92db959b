package dev.scalability.autoconfigure;

/**
 * A property of the starter has a value it cannot work with. Thrown at start-up, and
 * explained by {@link InvalidPropertyFailureAnalyzer}.
 */
public class InvalidPropertyException extends RuntimeException {

	private final String property;

	private final Object value;

	private final String reason;

	private final String action;

	/**
	 * Creates an exception.
	 * @param property the full name of the property, such as
	 * {@code scalability.rate-limit.rules[0].window}
	 * @param value the value found, may be {@code null}
	 * @param reason what is wrong with it
	 * @param action what to write instead
	 */
	public InvalidPropertyException(String property, Object value, String reason, String action) {
		super(property + ": " + reason);
		this.property = property;
		this.value = value;
		this.reason = reason;
		this.action = action;
	}

	/**
	 * Refuses a duration that is not positive.
	 * @param property the full name of the property
	 * @param value its value
	 * @param example a value that works, such as {@code 10s}
	 * @throws InvalidPropertyException when the value is missing, zero or negative
	 */
	public static void requirePositive(String property, java.time.Duration value, String example) {
		if (value == null || value.isNegative() || value.isZero()) {
			throw new InvalidPropertyException(property, value, "must be positive", "such as " + example + ".");
		}
	}

	public String getProperty() {
		return this.property;
	}

	public Object getValue() {
		return this.value;
	}

	public String getReason() {
		return this.reason;
	}

	public String getAction() {
		return this.action;
	}

}
