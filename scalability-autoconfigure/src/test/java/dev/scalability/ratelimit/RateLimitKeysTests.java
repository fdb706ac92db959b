package dev.scalability.ratelimit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RateLimitKeysTests {

	@Test
	void shortKeysAreKeptAsTheyAre() {
		String key = "ip:192.0.2.1";
		assertThat(RateLimitKeys.bound(key)).isSameAs(key);
		assertThat(RateLimitKeys.bound("x".repeat(RateLimitKeys.MAX_LENGTH))).hasSize(RateLimitKeys.MAX_LENGTH);
	}

	@Test
	void longKeysAreReplacedByTheirDigestSoTheirSizeIsBounded() {
		String huge = "header:" + "x".repeat(100_000);
		String bounded = RateLimitKeys.bound(huge);
		assertThat(bounded).startsWith("sha256:").hasSizeLessThanOrEqualTo(RateLimitKeys.MAX_LENGTH);
		assertThat(RateLimitKeys.bound(huge)).isEqualTo(bounded);
		assertThat(RateLimitKeys.bound(huge + "y")).isNotEqualTo(bounded);
	}

}
