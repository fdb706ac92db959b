package dev.scalability.ratelimit.memory;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.scalability.ratelimit.AcquireMode;
import dev.scalability.ratelimit.RateLimit;
import dev.scalability.ratelimit.RateLimitAlgorithm;
import dev.scalability.ratelimit.RateLimitDecision;
import dev.scalability.ratelimit.RateLimitPolicy;
import dev.scalability.ratelimit.RateLimiter;
import dev.scalability.time.MonotonicClock;

/**
 * Keeps rate-limit state in this JVM: one atomic value per key, updated with a
 * compare-and-set (no lock on the hot path), in a Caffeine cache bounded to
 * {@code maxKeys} keys. Evicting a key forgets its usage, so the bound should exceed the
 * number of clients active within the longest window.
 *
 * <p>Keys come from clients, who can craft many that share one {@link String#hashCode()}.
 * Keys compare, so that the map's bins of colliding keys are trees searched in
 * logarithmic time, not lists searched one by one: a flood of colliding keys costs each
 * lookup a few comparisons more, never a linear search.
 */
public class MemoryRateLimiter implements RateLimiter {

	private final Cache<StateKey, KeyState> states;

	private final MonotonicClock clock;

	/**
	 * Creates a limiter.
	 * @param maxKeys how many keys to track at most
	 * @param clock the clock
	 */
	public MemoryRateLimiter(long maxKeys, MonotonicClock clock) {
		this.clock = clock;
		this.states = Caffeine.newBuilder().maximumSize(maxKeys).executor(Runnable::run).build();
	}

	@Override
	public RateLimitDecision acquire(RateLimitPolicy policy, String key, long permits, AcquireMode mode) {
		StateKey stateKey = new StateKey(policy, key);
		KeyState state = this.states.getIfPresent(stateKey);
		if (state == null) {
			state = this.states.get(stateKey, MemoryRateLimiter::newState);
		}
		if (!state.fits(policy)) {
			// Another policy of the same name with another shape: start this key afresh.
			state = newState(stateKey);
			this.states.put(stateKey, state);
		}
		return state.acquire(policy, this.clock, permits, mode);
	}

	private static KeyState newState(StateKey key) {
		RateLimitPolicy policy = key.policy;
		return isSingleTokenBucket(policy) ? new SingleTokenBucket() : new GeneralState(policy);
	}

	private static boolean isSingleTokenBucket(RateLimitPolicy policy) {
		return policy.algorithm() == RateLimitAlgorithm.TOKEN_BUCKET && policy.limits().size() == 1
				&& policy.penalty() == null;
	}

	@Override
	public String backend() {
		return "memory";
	}

	@Override
	public Map<String, Object> details() {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("trackedKeys", trackedKeys());
		return details;
	}

	/**
	 * How many keys are tracked now.
	 * @return an estimate of the number of keys
	 */
	@Override
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
	 * The state of one key of one rule.
	 */
	private interface KeyState {

		RateLimitDecision acquire(RateLimitPolicy policy, MonotonicClock clock, long permits, AcquireMode mode);

		boolean fits(RateLimitPolicy policy);

	}

	/**
	 * Any policy: the whole state in one array, replaced by a new one on each change.
	 */
	private static final class GeneralState extends AtomicReference<long[]> implements KeyState {

		private final RateLimitAlgorithm algorithm;

		GeneralState(RateLimitPolicy policy) {
			super(KeyStateMath.newState(policy));
			this.algorithm = policy.algorithm();
		}

		@Override
		public boolean fits(RateLimitPolicy policy) {
			return policy.algorithm() == this.algorithm && !isSingleTokenBucket(policy)
					&& get().length == KeyStateMath.stateLength(policy);
		}

		@Override
		public RateLimitDecision acquire(RateLimitPolicy policy, MonotonicClock clock, long permits,
				AcquireMode mode) {
			while (true) {
				long[] state = get();
				KeyStateMath.Outcome outcome = KeyStateMath.evaluate(policy, state, clock.nanos(), permits, mode);
				if (outcome.next() == null || compareAndSet(state, outcome.next())) {
					return outcome.decision();
				}
			}
		}

	}

	/**
	 * The default rule shape, one token bucket without penalty, kept as a single number
	 * (the time the bucket is full again) so that a decision allocates nothing but its
	 * answer. Same arithmetic as {@link KeyStateMath}.
	 */
	private static final class SingleTokenBucket extends AtomicLong implements KeyState {

		SingleTokenBucket() {
			super(KeyStateMath.UNSET);
		}

		@Override
		public boolean fits(RateLimitPolicy policy) {
			return isSingleTokenBucket(policy);
		}

		@Override
		public RateLimitDecision acquire(RateLimitPolicy policy, MonotonicClock clock, long permits,
				AcquireMode mode) {
			RateLimit limit = policy.limits().get(0);
			long interval = KeyStateMath.interval(limit);
			long tolerance = interval * limit.capacity();
			while (true) {
				long stored = get();
				long now = clock.nanos();
				// A clock that stepped back leaves the bucket further ahead than its capacity:
				// it is empty, not blocked for the size of the step.
				long present = (stored == KeyStateMath.UNSET) ? stored : Math.min(stored, now + tolerance);
				if (mode == AcquireMode.REFUND) {
					if (present == KeyStateMath.UNSET || present <= now
							|| compareAndSet(stored, Math.max(now, present - permits * interval))) {
						return new RateLimitDecision(true, policy, 0, 0, 0, 0, RateLimitDecision.Source.BACKEND);
					}
					continue;
				}
				long tat = (present == KeyStateMath.UNSET) ? now : Math.max(present, now);
				long newTat = tat + permits * interval;
				if (newTat - now > tolerance) {
					if (present != stored && !compareAndSet(stored, present)) {
						continue;
					}
					long available = Math.max(0, (tolerance - (tat - now)) / interval);
					return new RateLimitDecision(false, policy, 0, available,
							KeyStateMath.untilNextToken(tat, now, interval, tolerance, available),
							newTat - now - tolerance, RateLimitDecision.Source.BACKEND);
				}
				if (mode == AcquireMode.CHECK || compareAndSet(stored, newTat)) {
					long remaining = (tolerance - (newTat - now)) / interval;
					return new RateLimitDecision(true, policy, 0, remaining,
							KeyStateMath.untilNextToken(newTat, now, interval, tolerance, remaining), 0,
							RateLimitDecision.Source.BACKEND);
				}
			}
		}

	}

	/**
	 * A key of one policy, by the policy's name as in Redis.
	 */
	static final class StateKey implements Comparable<StateKey> {

		private final RateLimitPolicy policy;

		private final String key;

		private final int hash;

		StateKey(RateLimitPolicy policy, String key) {
			this.policy = policy;
			this.key = key;
			this.hash = 31 * policy.name().hashCode() + key.hashCode();
		}

		@Override
		public boolean equals(Object other) {
			return other instanceof StateKey that && this.hash == that.hash && this.key.equals(that.key)
					&& (this.policy == that.policy || this.policy.name().equals(that.policy.name()));
		}

		@Override
		public int hashCode() {
			return this.hash;
		}

		@Override
		public int compareTo(StateKey other) {
			int byName = this.policy.name().compareTo(other.policy.name());
			return (byName != 0) ? byName : this.key.compareTo(other.key);
		}

	}

}
