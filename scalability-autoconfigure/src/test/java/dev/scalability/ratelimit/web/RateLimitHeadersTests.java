package dev.scalability.ratelimit.web;

import java.time.Duration;

import dev.scalability.ratelimit.RateLimit;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code RateLimit-Policy} in whole seconds, as the draft requires, without claiming a
 * quota the limit does not grant.
 */
class RateLimitHeadersTests {

	@Test
	void aSubSecondWindowIsAdvertisedOverOneSecondWithItsQuotaScaled() {
		RateLimit tenPer100Ms = RateLimit.of(10, Duration.ofMillis(100));
		assertThat(RateLimitHeaders.advertisedWindowSeconds(tenPer100Ms)).isEqualTo(1);
		assertThat(RateLimitHeaders.advertisedQuota(tenPer100Ms)).isEqualTo(100);
	}

	@Test
	void aWindowOfNoWholeSecondsIsStretchedToTheNextAndItsQuotaRoundedDown() {
		RateLimit tenPer1500Ms = RateLimit.of(10, Duration.ofMillis(1500));
		assertThat(RateLimitHeaders.advertisedWindowSeconds(tenPer1500Ms)).isEqualTo(2);
		assertThat(RateLimitHeaders.advertisedQuota(tenPer1500Ms)).isEqualTo(13);
	}

	@Test
	void wholeSecondWindowsAreAdvertisedAsTheyAreWithTheirBurst() {
		RateLimit limit = new RateLimit(10, Duration.ofMinutes(1), 5);
		assertThat(RateLimitHeaders.advertisedWindowSeconds(limit)).isEqualTo(60);
		assertThat(RateLimitHeaders.advertisedQuota(limit)).isEqualTo(15);
	}

}
