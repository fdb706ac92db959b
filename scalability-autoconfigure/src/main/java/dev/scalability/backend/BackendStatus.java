package dev.scalability.backend;

import java.util.Map;

/**
 * What a feature's backend says about itself, for health, the snapshot endpoint and
 * metrics: where its state lives, whether it is serving without its shared backend, and
 * what more there is to know. Every backend implements it, so that no reader needs to
 * know the classes behind a feature.
 */
public interface BackendStatus {

	/**
	 * Where the state lives.
	 * @return {@code memory} or {@code redis}
	 */
	String backend();

	/**
	 * Whether the state is shared through Redis, so that health should check Redis.
	 * @return whether the backend is Redis
	 */
	default boolean usesRedis() {
		return "redis".equals(backend());
	}

	/**
	 * Whether the feature serves without its shared backend right now (its circuit breaker
	 * is open, or Redis refuses writes), as documented for the feature.
	 * @return whether it is degraded
	 */
	default boolean degraded() {
		return false;
	}

	/**
	 * Whether the feature stops serving, rather than degrading, while its shared backend
	 * cannot be reached.
	 * @return whether an unreachable backend takes the feature down
	 */
	default boolean downWithoutBackend() {
		return false;
	}

	/**
	 * Details for health and the snapshot: breaker state, fail-mode, sizes.
	 * @return the details, in display order
	 */
	Map<String, Object> details();

}
