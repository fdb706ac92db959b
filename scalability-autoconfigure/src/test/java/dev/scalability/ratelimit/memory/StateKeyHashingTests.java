package dev.scalability.ratelimit.memory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import dev.scalability.ratelimit.RateLimit;
import dev.scalability.ratelimit.RateLimitAlgorithm;
import dev.scalability.ratelimit.RateLimitPolicy;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keys crafted to share one {@link String#hashCode()} (a client controls header values and
 * expression keys) do not share a hash in the memory backend's map, and compare, so that
 * even colliding keys are found in logarithmic time.
 */
class StateKeyHashingTests {

	private final RateLimitPolicy policy = RateLimitPolicy.of("flood", RateLimitAlgorithm.TOKEN_BUCKET,
			RateLimit.of(10, Duration.ofSeconds(1)));

	@Test
	void keysWithOneStringHashGetSpreadHashes() {
		List<String> colliding = colliding(12);
		assertThat(colliding.stream().map(String::hashCode).distinct()).hasSize(1);
		Set<Integer> hashes = new HashSet<>();
		for (String key : colliding) {
			hashes.add(new MemoryRateLimiter.StateKey(this.policy, key).hashCode());
		}
		assertThat(hashes).hasSizeGreaterThan(colliding.size() * 99 / 100);
	}

	@Test
	void stateKeysCompareByRuleThenKey() {
		MemoryRateLimiter.StateKey a = new MemoryRateLimiter.StateKey(this.policy, "Aa");
		MemoryRateLimiter.StateKey b = new MemoryRateLimiter.StateKey(this.policy, "BB");
		assertThat(a).isNotEqualTo(b);
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
