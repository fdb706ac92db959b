package dev.scalability.ratelimit;

import java.time.Duration;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * While Redis is down each instance limits alone to its share: together the instances
 * never grant more than the limit over its window, however small the limit and however
 * many the instances.
 */
class RateLimitShareTests {

	@ParameterizedTest(name = "{0} per 15m on {1} instances")
	@CsvSource({ "100, 4", "101, 4", "5, 20", "5, 5", "1, 3", "7, 2", "1000, 7" })
	void instancesTogetherGrantNoMoreThanTheLimit(long limit, int instances) {
		RateLimit whole = new RateLimit(limit, Duration.ofMinutes(15), 0);
		RateLimit share = whole.share(instances);
		double togetherPerWindow = (double) share.limit() * instances * whole.window().toNanos()
				/ share.window().toNanos();
		assertThat(togetherPerWindow).isLessThanOrEqualTo(limit);
		assertThat(share.limit()).isPositive();
	}

	@ParameterizedTest(name = "{0} per 15m on {1} instances")
	@CsvSource({ "100, 4, 25, 15", "5, 20, 1, 60", "5, 5, 1, 15", "1, 3, 1, 45" })
	void aShareTooSmallForOnePermitStretchesItsWindowInstead(long limit, int instances, long shareLimit,
			long shareMinutes) {
		RateLimit share = new RateLimit(limit, Duration.ofMinutes(15), 0).share(instances);
		assertThat(share.limit()).isEqualTo(shareLimit);
		assertThat(share.window()).isEqualTo(Duration.ofMinutes(shareMinutes));
	}

}
