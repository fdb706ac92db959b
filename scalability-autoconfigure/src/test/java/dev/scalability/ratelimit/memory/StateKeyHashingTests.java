package dev.scalability.ratelimit.memory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.scalability.ratelimit.AcquireMode;
import dev.scalability.ratelimit.RateLimit;
import dev.scalability.ratelimit.RateLimitAlgorithm;
import dev.scalability.ratelimit.RateLimitPolicy;
import dev.scalability.test.time.ManualClock;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keys crafted to share one {@link String#hashCode()} (a client controls header values and
 * expression keys) each keep their own state, and compare, so that the memory backend's
 * map keeps them in trees searched in logarithmic time rather than in lists.
 */
class StateKeyHashingTests {

	private final RateLimitPolicy policy = RateLimitPolicy.of("flood", RateLimitAlgorithm.FIXED_WINDOW,
			RateLimit.of(1, Duration.ofHours(1)));

	@Test
	void keysSharingOneStringHashEachKeepTheirOwnState() {
		List<String> colliding = colliding(12);
		assertThat(colliding.stream().map(String::hashCode).distinct()).hasSize(1);
		ManualClock clock = new ManualClock();
		MemoryRateLimiter limiter = new MemoryRateLimiter(10_000, clock::nanos);
		for (String key : colliding) {
			assertThat(limiter.acquire(this.policy, key, 1, AcquireMode.ACQUIRE).allowed()).as(key).isTrue();
		}
		for (String key : colliding) {
			assertThat(limiter.acquire(this.policy, key, 1, AcquireMode.ACQUIRE).allowed()).as(key).isFalse();
		}
	}

	@Test
	void stateKeysCompareByRuleThenKey() {
		MemoryRateLimiter.StateKey a = new MemoryRateLimiter.StateKey(this.policy, "Aa");
		MemoryRateLimiter.StateKey b = new MemoryRateLimiter.StateKey(this.policy, "BB");
		assertThat(a.hashCode()).isEqualTo(b.hashCode());
		assertThat(a).isNotEqualTo(b).isInstanceOf(Comparable.class);
		assertThat(a.compareTo(b)).isNegative();
		assertThat(b.compareTo(a)).isPositive();
		assertThat(a.compareTo(new MemoryRateLimiter.StateKey(this.policy, "Aa"))).isZero();
	}

	/**
	 * {@code "Aa"} and {@code "BB"} have one hash; any sequence of them has one hash per
	 * length: 2^n keys.
	 */
	private static List<String> colliding(int pairs) {
		List<String> keys = new ArrayList<>();
		for (int bits = 0; bits < (1 << pairs); bits++) {
			StringBuilder key = new StringBuilder();
			for (int i = 0; i < pairs; i++) {
				key.append(((bits >> i) & 1) == 0 ? "Aa" : "BB");
			}
			keys.add(key.toString());
		}
		return keys;
	}

}
