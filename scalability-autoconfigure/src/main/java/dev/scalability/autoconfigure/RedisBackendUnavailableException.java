package dev.scalability.autoconfigure;

/**
 * Thrown at start-up when a property selects the Redis backend but the application
 * cannot reach Redis through Spring Data Redis.
 */
public class RedisBackendUnavailableException extends RuntimeException {

	/**
	 * What is missing.
	 */
	public enum Reason {

		/**
		 * Spring Data Redis is not on the class path.
		 */
		SPRING_DATA_REDIS_MISSING,

		/**
		 * Spring Data Redis is there but no {@code RedisConnectionFactory} bean is defined.
		 */
		CONNECTION_FACTORY_MISSING

	}

	private final String property;

	private final Reason reason;

	public RedisBackendUnavailableException(String property, Reason reason) {
		super(property + "=redis but " + ((reason == Reason.SPRING_DATA_REDIS_MISSING)
				? "Spring Data Redis is not on the class path" : "no RedisConnectionFactory bean is defined"));
		this.property = property;
		this.reason = reason;
	}

	/**
	 * The property that selected Redis.
	 * @return the property name
	 */
	public String getProperty() {
		return this.property;
	}

	public Reason getReason() {
		return this.reason;
	}

}
