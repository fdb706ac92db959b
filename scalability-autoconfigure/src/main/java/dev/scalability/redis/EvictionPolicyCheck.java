package dev.scalability.redis;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Reads Redis's {@code maxmemory-policy} once and warns when it evicts keys, for features
 * whose keys are state that must not vanish (events, tasks): an evicting Redis drops them
 * silently when full, where {@code noeviction} refuses the writes loudly instead.
 */
public final class EvictionPolicyCheck {

	private static final Log logger = LogFactory.getLog(EvictionPolicyCheck.class);

	private final GuardedRedis redis;

	private final String loss;

	private final String refused;

	private volatile String policy;

	/**
	 * Creates a check.
	 * @param redis the feature's calls
	 * @param loss what the feature loses when Redis evicts, as the end of a sentence
	 * @param refused what a full Redis refuses instead under {@code noeviction}
	 */
	public EvictionPolicyCheck(GuardedRedis redis, String loss, String refused) {
		this.redis = redis;
		this.loss = loss;
		this.refused = refused;
	}

	/**
	 * Reads the policy, unless it was read already, and warns when it evicts; a Redis that
	 * does not answer is asked again at the next call.
	 */
	public void check() {
		if (this.policy != null) {
			return;
		}
		RedisMemory memory;
		try {
			memory = RedisMemory.parse(this.redis.call((commands) -> commands.info("memory")));
		}
		catch (RedisCallException ex) {
			logger.debug("Eviction policy not read yet: " + ex.getMessage());
			return;
		}
		this.policy = memory.policy();
		if (memory.evicts()) {
			logger.warn("Redis evicts keys when its memory is full (maxmemory-policy " + memory.policy() + "): "
					+ this.loss + ". Set maxmemory-policy noeviction, so that a full Redis refuses " + this.refused
					+ " instead");
		}
	}

	/**
	 * The policy read.
	 * @return the policy, or {@code null} before it was read (or when the server does not
	 * say, empty)
	 */
	public String policy() {
		return this.policy;
	}

}
