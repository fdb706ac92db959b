package dev.scalability.ratelimit.memory;

import java.time.Duration;

import dev.scalability.ratelimit.AcquireMode;
import dev.scalability.ratelimit.RateLimit;
import dev.scalability.ratelimit.RateLimitAlgorithm;
import dev.scalability.ratelimit.RateLimitPolicy;
import dev.scalability.ratelimit.RateLimiter;
import dev.scalability.ratelimit.RateLimiterBehaviourTests;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class MemoryRateLimiterBehaviourTests extends RateLimiterBehaviourTests {

	@Override
	protected RateLimiter limiter() {
		return new MemoryRateLimiter(1_000, this.clock::nanos);
	}

	@Test
	void tracksNoMoreKeysThanItsBound() {
		MemoryRateLimiter limiter = new MemoryRateLimiter(100, this.clock::nanos);
		RateLimitPolicy policy = RateLimitPolicy.of("bounded", RateLimitAlgorithm.TOKEN_BUCKET,
				RateLimit.of(1, Duration.ofMinutes(1)));
		for (int i = 0; i < 10_000; i++) {
			limiter.acquire(policy, "key-" + i, 1, AcquireMode.ACQUIRE);
		}
		limiter.cleanUp();
		assertThat(limiter.trackedKeys()).isLessThanOrEqualTo(100);
	}

}
