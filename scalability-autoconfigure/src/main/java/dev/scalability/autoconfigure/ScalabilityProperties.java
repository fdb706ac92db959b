package dev.scalability.autoconfigure;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Root configuration of the starter.
 */
@ConfigurationProperties("scalability")
public class ScalabilityProperties {

	/**
	 * Whether to enable the starter. When false no feature is configured.
	 */
	private boolean enabled = true;

	/**
	 * Backend every feature uses unless it sets its own.
	 */
	private Backend backend = Backend.MEMORY;

	private final Redis redis = new Redis();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public Backend getBackend() {
		return this.backend;
	}

	public void setBackend(Backend backend) {
		this.backend = backend;
	}

	public Redis getRedis() {
		return this.redis;
	}

	public static class Redis {

		/**
		 * Prefix of every key the starter writes to Redis.
		 */
		private String keyPrefix = "scalability:";

		public String getKeyPrefix() {
			return this.keyPrefix;
		}

		public void setKeyPrefix(String keyPrefix) {
			this.keyPrefix = keyPrefix;
		}

	}

}
