package dev.scalability.ratelimit;

import java.util.function.Function;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

/**
 * What is derived from a policy object (its encoded arguments, its header field), worked
 * out once per policy and forgotten with it, since code may build policies on the fly. The
 * first policy asked for is answered without a lookup ever after, for most requests meet one
 * rule; it is never replaced, so that threads meeting different rules do not take turns
 * writing it. The cache's upkeep runs on the caller's thread, a few steps at a time, rather
 * than waking a pool thread for each request.
 *
 * @param <V> what is derived
 */
public final class PolicyMemo<V> {

	private final Cache<RateLimitPolicy, V> values = Caffeine.newBuilder().weakKeys().executor(Runnable::run).build();

	private final Function<RateLimitPolicy, V> derive;

	private volatile First<V> first;

	/**
	 * Creates a memo.
	 * @param derive works out the value of a policy
	 */
	public PolicyMemo(Function<RateLimitPolicy, V> derive) {
		this.derive = derive;
	}

	/**
	 * The value of a policy, worked out on first use.
	 * @param policy the policy
	 * @return its value
	 */
	public V get(RateLimitPolicy policy) {
		First<V> first = this.first;
		if (first != null && first.policy == policy) {
			return first.value;
		}
		V value = this.values.get(policy, this.derive);
		if (first == null) {
			this.first = new First<>(policy, value);
		}
		return value;
	}

	private record First<V>(RateLimitPolicy policy, V value) {
	}

}
