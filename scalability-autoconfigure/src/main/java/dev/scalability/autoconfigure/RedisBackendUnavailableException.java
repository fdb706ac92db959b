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
		CONNECTION_FACTORY_MISSING,

		/**
		 * The connection factory is not Lettuce's: the starter bounds every wait for Redis
		 * through Lettuce's asynchronous API, which other clients (Jedis) do not have.
		 */
		UNSUPPORTED_CLIENT,

		/**
		 * Resilience4j's circuit breaker, which guards every Redis call, is not on the class
		 * path.
		 */
		CIRCUIT_BREAKER_MISSING

	}

	private final String property;

	private final Reason reason;

	public RedisBackendUnavailableException(String property, Reason reason) {
		super(property + "=redis but " + switch (reason) {
			case SPRING_DATA_REDIS_MISSING -> "Spring Data Redis is not on the class path";
			case CONNECTION_FACTORY_MISSING -> "no RedisConnectionFactory bean is defined";
			case UNSUPPORTED_CLIENT -> "the RedisConnectionFactory is not a LettuceConnectionFactory";
			case CIRCUIT_BREAKER_MISSING -> "Resilience4j's circuit breaker is not on the class path";
		});
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
