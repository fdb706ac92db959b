package dev.scalability.autoconfigure;

/**
 * Where a feature keeps its state.
 */
public enum Backend {

	/**
	 * State lives in this JVM only; nothing to run besides the application.
	 */
	MEMORY,

	/**
	 * State lives in Redis, reached through the application's Spring Data Redis
	 * connection, so that every instance of the application shares it.
	 */
	REDIS

}
