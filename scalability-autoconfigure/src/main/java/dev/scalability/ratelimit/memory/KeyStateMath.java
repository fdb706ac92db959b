package dev.scalability.ratelimit.memory;

import java.util.Arrays;
import java.util.List;

import dev.scalability.ratelimit.AcquireMode;
import dev.scalability.ratelimit.Penalty;
import dev.scalability.ratelimit.RateLimit;
import dev.scalability.ratelimit.RateLimitAlgorithm;
import dev.scalability.ratelimit.RateLimitDecision;
import dev.scalability.ratelimit.RateLimitPolicy;

/**
 * The arithmetic of every algorithm on the state of one key, as a pure function of the
 * state and the time: the memory backend applies it with a compare-and-set, and the Redis
 * script ({@code rate-limit.lua}) mirrors it line for line, so both backends decide alike
 * ({@code BackendEquivalenceTests} runs both on the same random sequences).
 *
 * <p>State layout: three slots per limit ({@code [tat]} for the token bucket,
 * {@code [window, current, previous]} for the windows), then four for the penalty
 * {@code [violations, violationWindow, blockedUntil, level]}. Times are nanoseconds of
 * the backend's clock; {@link #UNSET} marks a slot never written.
 *
 * <p>A clock can step backwards (NTP, a failover to a server whose clock is behind). A state
 * written at a later time is then pulled back into the present before anything else, never
 * reset: a bucket ahead by more than its capacity is empty, a window counted later is the
 * current one, a block longer than the penalty's longest ends after the longest. No key is
 * blocked for longer than its own window or block because of a step.
 *
 * <p>The reset of a decision is the {@code t} of the {@code RateLimit} header: the time
 * until more permits are available than remain. For a refusal it is the time until one
 * permit is, so it never says more than {@code Retry-After}.
 */
final class KeyStateMath {

	static final long UNSET = Long.MIN_VALUE;

	private static final int SLOTS_PER_LIMIT = 3;

	private static final int PENALTY_SLOTS = 4;

	private static final long NANOS_PER_MICRO = 1_000;

	/**
	 * Slack for the floating-point weight of the sliding window, so that a request that
	 * fits exactly is not refused by a rounding error.
	 */
	private static final double ROUNDING = 1e-9;

	private KeyStateMath() {
	}

	static int stateLength(RateLimitPolicy policy) {
		return policy.limits().size() * SLOTS_PER_LIMIT + PENALTY_SLOTS;
	}

	static long[] newState(RateLimitPolicy policy) {
		long[] state = new long[stateLength(policy)];
		Arrays.fill(state, UNSET);
		return state;
	}

	static long interval(RateLimit limit) {
		return limit.emissionIntervalMicros() * NANOS_PER_MICRO;
	}

	/**
	 * The decision and the state that follows it.
	 *
	 * @param decision the decision
	 * @param next the new state, or {@code null} when the state does not change
	 */
	record Outcome(RateLimitDecision decision, long[] next) {
	}

	static Outcome evaluate(RateLimitPolicy policy, long[] stored, long now, long permits, AcquireMode mode) {
		long[] state = pullIntoPresent(policy, stored, now);
		long[] pulled = (state != stored) ? state : null;
		if (mode == AcquireMode.REFUND) {
			long[] refunded = refund(policy, state, now, permits);
			return new Outcome(decision(true, policy, 0, 0, 0, 0), (refunded != null) ? refunded : pulled);
		}
		int penaltyBase = policy.limits().size() * SLOTS_PER_LIMIT;
		Penalty penalty = policy.penalty();
		if (penalty != null && state[penaltyBase + 2] != UNSET && now < state[penaltyBase + 2]) {
			long blockedFor = state[penaltyBase + 2] - now;
			return new Outcome(decision(false, policy, 0, 0, blockedFor, blockedFor), pulled);
		}
		List<RateLimit> limits = policy.limits();
		long[] next = state.clone();
		boolean allowed = true;
		int binding = -1;
		long bindingRemaining = Long.MAX_VALUE;
		long bindingReset = 0;
		long retryAfter = 0;
		for (int i = 0; i < limits.size(); i++) {
			Step step = step(policy.algorithm(), limits.get(i), next, i * SLOTS_PER_LIMIT, now, permits);
			if (!step.allowed) {
				if (allowed || step.retryAfter > retryAfter) {
					binding = i;
					bindingRemaining = step.remaining;
					bindingReset = step.reset;
					retryAfter = step.retryAfter;
				}
				allowed = false;
			}
			else if (allowed && step.remaining < bindingRemaining) {
				binding = i;
				bindingRemaining = step.remaining;
				bindingReset = step.reset;
			}
		}
		if (allowed) {
			return new Outcome(decision(true, policy, binding, bindingRemaining, bindingReset, 0),
					(mode == AcquireMode.CHECK) ? pulled : next);
		}
		if (penalty == null) {
			return new Outcome(decision(false, policy, binding, bindingRemaining, bindingReset, retryAfter),
					pulled);
		}
		long[] penalized = state.clone();
		long block = recordViolation(penalty, policy.longestWindow().toNanos(), penalized, penaltyBase, now);
		if (block > 0) {
			retryAfter = Math.max(retryAfter, block);
			bindingReset = Math.max(bindingReset, block);
		}
		return new Outcome(decision(false, policy, binding, bindingRemaining, bindingReset, retryAfter), penalized);
	}

	/**
	 * Pulls a state written at a later time (the clock stepped back since) into the
	 * present, keeping what it counted.
	 * @return the state itself when nothing lies ahead, else a corrected copy
	 */
	static long[] pullIntoPresent(RateLimitPolicy policy, long[] state, long now) {
		long[] pulled = state;
		List<RateLimit> limits = policy.limits();
		for (int i = 0; i < limits.size(); i++) {
			int base = i * SLOTS_PER_LIMIT;
			RateLimit limit = limits.get(i);
			if (state[base] == UNSET) {
				continue;
			}
			long present;
			if (policy.algorithm() == RateLimitAlgorithm.TOKEN_BUCKET) {
				present = Math.min(state[base], now + interval(limit) * limit.capacity());
			}
			else {
				present = Math.min(state[base], Math.floorDiv(now, limit.window().toNanos()));
			}
			if (present != state[base]) {
				pulled = (pulled == state) ? state.clone() : pulled;
				pulled[base] = present;
			}
		}
		Penalty penalty = policy.penalty();
		if (penalty != null) {
			int base = limits.size() * SLOTS_PER_LIMIT;
			long violationWindow = Math.floorDiv(now, policy.longestWindow().toNanos());
			if (state[base + 1] != UNSET && state[base + 1] > violationWindow) {
				pulled = (pulled == state) ? state.clone() : pulled;
				pulled[base + 1] = violationWindow;
			}
			long longestBlockEnd = now + penalty.maxBlock().toNanos();
			if (state[base + 2] != UNSET && state[base + 2] > longestBlockEnd) {
				pulled = (pulled == state) ? state.clone() : pulled;
				pulled[base + 2] = longestBlockEnd;
			}
		}
		return pulled;
	}

	/**
	 * Gives permits back to every limit, as far as they still count.
	 * @return the new state, or {@code null} when nothing changes
	 */
	private static long[] refund(RateLimitPolicy policy, long[] state, long now, long permits) {
		long[] next = state.clone();
		List<RateLimit> limits = policy.limits();
		for (int i = 0; i < limits.size(); i++) {
			int base = i * SLOTS_PER_LIMIT;
			RateLimit limit = limits.get(i);
			if (policy.algorithm() == RateLimitAlgorithm.TOKEN_BUCKET) {
				if (next[base] != UNSET && next[base] > now) {
					next[base] = Math.max(now, next[base] - permits * interval(limit));
				}
				continue;
			}
			long index = Math.floorDiv(now, limit.window().toNanos());
			if (next[base] == index) {
				// Given back from the current window first; what it lacks was taken before
				// the window rolled, and counts in the previous one.
				long current = orZero(next[base + 1]);
				long fromCurrent = Math.min(current, permits);
				next[base + 1] = current - fromCurrent;
				if (policy.algorithm() == RateLimitAlgorithm.SLIDING_WINDOW && fromCurrent < permits) {
					next[base + 2] = Math.max(0, orZero(next[base + 2]) - (permits - fromCurrent));
				}
			}
			else if (policy.algorithm() == RateLimitAlgorithm.SLIDING_WINDOW && next[base] == index - 1) {
				// The permits were taken in what is now the previous window.
				next[base + 2] = Math.max(0, next[base + 1] - permits);
				next[base + 1] = 0;
				next[base] = index;
			}
		}
		return Arrays.equals(next, state) ? null : next;
	}

	/**
	 * Counts a violation and blocks the key when there were enough.
	 * @return how long the key is now blocked, or 0
	 */
	private static long recordViolation(Penalty penalty, long window, long[] state, int base, long now) {
		long level = (state[base + 3] == UNSET) ? 0 : state[base + 3];
		if (level > 0 && state[base + 2] != UNSET && now - state[base + 2] > penalty.maxBlock().toNanos()) {
			level = 0;
		}
		long windowIndex = Math.floorDiv(now, window);
		long violations = (state[base + 1] == windowIndex && state[base] != UNSET) ? state[base] : 0;
		violations++;
		long block = 0;
		if (violations >= penalty.after()) {
			level++;
			block = blockFor(penalty, level);
			state[base + 2] = now + block;
			violations = 0;
		}
		state[base] = violations;
		state[base + 1] = windowIndex;
		state[base + 3] = level;
		return block;
	}

	static long blockFor(Penalty penalty, long level) {
		long max = penalty.maxBlock().toNanos();
		long block = penalty.block().toNanos();
		for (long i = 1; i < level && block < max; i++) {
			block = (block > max / 2) ? max : block * 2;
		}
		return Math.min(block, max);
	}

	private record Step(boolean allowed, long remaining, long reset, long retryAfter) {
	}

	private static Step step(RateLimitAlgorithm algorithm, RateLimit limit, long[] state, int base, long now,
			long permits) {
		return switch (algorithm) {
			case TOKEN_BUCKET -> tokenBucket(limit, state, base, now, permits);
			case SLIDING_WINDOW -> slidingWindow(limit, state, base, now, permits);
			case FIXED_WINDOW -> fixedWindow(limit, state, base, now, permits);
		};
	}

	/**
	 * Token bucket as the generic cell rate algorithm: {@code tat} is the time at which the
	 * bucket would be full again; each permit pushes it by one emission interval.
	 */
	private static Step tokenBucket(RateLimit limit, long[] state, int base, long now, long permits) {
		long interval = interval(limit);
		long tolerance = interval * limit.capacity();
		long tat = (state[base] == UNSET) ? now : Math.max(state[base], now);
		long newTat = tat + permits * interval;
		if (newTat - now <= tolerance) {
			state[base] = newTat;
			long remaining = (tolerance - (newTat - now)) / interval;
			return new Step(true, remaining, untilNextToken(newTat, now, interval, tolerance, remaining), 0);
		}
		long available = Math.max(0, (tolerance - (tat - now)) / interval);
		return new Step(false, available, untilNextToken(tat, now, interval, tolerance, available),
				newTat - now - tolerance);
	}

	/**
	 * The time until a bucket holds one more token than {@code remaining}; 0 when full.
	 */
	static long untilNextToken(long tat, long now, long interval, long tolerance, long remaining) {
		return (tat <= now) ? 0 : (remaining + 1) * interval - tolerance + (tat - now);
	}

	/**
	 * Sliding-window counter: the previous fixed window's count weighted by its share of
	 * the sliding window, plus the current one's.
	 */
	private static Step slidingWindow(RateLimit limit, long[] state, int base, long now, long permits) {
		long window = limit.window().toNanos();
		long index = Math.floorDiv(now, window);
		long elapsed = now - index * window;
		long current;
		long previous;
		if (state[base] == index) {
			current = orZero(state[base + 1]);
			previous = orZero(state[base + 2]);
		}
		else {
			current = 0;
			previous = (state[base] == index - 1) ? orZero(state[base + 1]) : 0;
		}
		double weight = (double) (window - elapsed) / window;
		double estimate = previous * weight + current;
		if (estimate + permits <= limit.limit() + ROUNDING) {
			state[base] = index;
			state[base + 1] = current + permits;
			state[base + 2] = previous;
			long remaining = (long) Math.floor(limit.limit() - (estimate + permits) + ROUNDING);
			long reset = (remaining >= limit.limit()) ? 0
					: slidingRetryAfter(limit.limit(), window, elapsed, current + permits, previous, remaining + 1);
			return new Step(true, remaining, reset, 0);
		}
		long retryAfter = slidingRetryAfter(limit.limit(), window, elapsed, current, previous, permits);
		long remaining = Math.max(0, (long) Math.floor(limit.limit() - estimate + ROUNDING));
		long reset = slidingRetryAfter(limit.limit(), window, elapsed, current, previous, remaining + 1);
		return new Step(false, remaining, reset, retryAfter);
	}

	/**
	 * The earliest time from now at which {@code permits} more fit under the estimate.
	 */
	static long slidingRetryAfter(long limit, long window, long elapsed, long current, long previous, long permits) {
		if (current + permits <= limit && previous > 0) {
			double at = window - (double) (limit - current - permits) * window / previous;
			return Math.max(1, (long) Math.ceil(at) - elapsed);
		}
		double atNext = (current > 0) ? Math.max(0, window - (double) (limit - permits) * window / current) : 0;
		return (window - elapsed) + (long) Math.ceil(atNext);
	}

	private static Step fixedWindow(RateLimit limit, long[] state, int base, long now, long permits) {
		long window = limit.window().toNanos();
		long index = Math.floorDiv(now, window);
		long current = (state[base] == index) ? orZero(state[base + 1]) : 0;
		long untilWindowEnd = (index + 1) * window - now;
		if (current + permits <= limit.limit()) {
			state[base] = index;
			state[base + 1] = current + permits;
			return new Step(true, limit.limit() - current - permits, untilWindowEnd, 0);
		}
		return new Step(false, limit.limit() - current, untilWindowEnd, untilWindowEnd);
	}

	private static long orZero(long slot) {
		return (slot == UNSET) ? 0 : slot;
	}

	private static RateLimitDecision decision(boolean allowed, RateLimitPolicy policy, int limitIndex, long remaining,
			long reset, long retryAfter) {
		return new RateLimitDecision(allowed, policy, limitIndex, Math.max(0, remaining), Math.max(0, reset),
				Math.max(0, retryAfter), RateLimitDecision.Source.BACKEND);
	}

}
