package dev.scalability.ratelimit.memory;

import java.util.concurrent.atomic.AtomicReference;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.scalability.ratelimit.AcquireMode;
import dev.scalability.ratelimit.RateLimitDecision;
import dev.scalability.ratelimit.RateLimitPolicy;
import dev.scalability.ratelimit.RateLimiter;

/**
 * Keeps rate-limit state in this JVM: one atomic reference per key, updated with a
 * compare-and-set (no lock on the hot path), in a Caffeine cache bounded to
 * {@code maxKeys} keys. Evicting a key forgets its usage, so the bound should exceed the
 * number of clients active within the longest window.
 */
public class MemoryRateLimiter implements RateLimiter {

	private final Cache<StateKey, AtomicReference<long[]>> states;

	private final Ticker ticker;

	/**
	 * Creates a limiter.
	 * @param maxKeys how many keys to track at most
	 * @param ticker the clock, in nanoseconds
	 */
	public MemoryRateLimiter(long maxKeys, Ticker ticker) {
		this.ticker = ticker;
		this.states = Caffeine.newBuilder().maximumSize(maxKeys).executor(Runnable::run).build();
	}

	@Override
	public RateLimitDecision acquire(RateLimitPolicy policy, String key, long permits, AcquireMode mode) {
		StateKey stateKey = new StateKey(policy.name(), key);
		AtomicReference<long[]> holder = this.states.getIfPresent(stateKey);
		if (holder == null) {
			holder = this.states.get(stateKey, (ignored) -> new AtomicReference<>(KeyStateMath.newState(policy)));
		}
		while (true) {
			long[] state = holder.get();
			KeyStateMath.Outcome outcome = KeyStateMath.evaluate(policy, state, this.ticker.read(), permits, mode);
			if (outcome.next() == null || holder.compareAndSet(state, outcome.next())) {
				return outcome.decision();
			}
		}
	}

	/**
	 * How many keys are tracked now.
	 * @return an estimate of the number of keys
	 */
	public long trackedKeys() {
		return this.states.estimatedSize();
	}

	/**
	 * Runs pending evictions now, so that {@link #trackedKeys()} is exact.
	 */
	public void cleanUp() {
		this.states.cleanUp();
	}

	/**
	 * Forgets every key.
	 */
	public void clear() {
		this.states.invalidateAll();
	}

	private record StateKey(String policy, String key) {
	}

}
