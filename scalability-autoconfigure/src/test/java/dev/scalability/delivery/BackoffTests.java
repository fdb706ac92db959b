package dev.scalability.delivery;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class BackoffTests {

	private final Backoff backoff = Backoff.exponential(Duration.ofSeconds(1), Duration.ofMinutes(1));

	@Test
	void eachRetryWaitsTwiceAsLongAsTheOneBeforeUpToTheMaximum() {
		assertThat(this.backoff.delay(1, () -> 0.5)).isEqualTo(Duration.ofSeconds(1));
		assertThat(this.backoff.delay(2, () -> 0.5)).isEqualTo(Duration.ofSeconds(2));
		assertThat(this.backoff.delay(5, () -> 0.5)).isEqualTo(Duration.ofSeconds(16));
		assertThat(this.backoff.delay(7, () -> 0.5)).isEqualTo(Duration.ofMinutes(1));
		assertThat(this.backoff.delay(10_000, () -> 0.5)).isEqualTo(Duration.ofMinutes(1));
	}

	@Test
	void jitterSpreadsAWaitByItsShareEitherWayButNeverBeyondTheMaximum() {
		assertThat(this.backoff.delay(2, () -> 0.0)).isEqualTo(Duration.ofMillis(1600));
		assertThat(this.backoff.delay(2, () -> 0.999_999)).isBetween(Duration.ofMillis(2399), Duration.ofMillis(2400));
		assertThat(this.backoff.delay(7, () -> 0.999_999)).isEqualTo(Duration.ofMinutes(1));
		assertThat(this.backoff.delay(7, () -> 0.0)).isEqualTo(Duration.ofSeconds(48));
	}

	@Test
	void aZeroInitialWaitRetriesAtOnce() {
		Backoff none = Backoff.exponential(Duration.ZERO, Duration.ZERO);
		assertThat(none.delay(3, () -> 0.9)).isZero();
	}

	@Test
	void valuesThatMakeNoBackoffAreRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> new Backoff(Duration.ofSeconds(-1), 2, Duration.ZERO, 0));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new Backoff(Duration.ofSeconds(1), 0.5, Duration.ofSeconds(2), 0));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new Backoff(Duration.ofSeconds(2), 2, Duration.ofSeconds(1), 0));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new Backoff(Duration.ofSeconds(1), 2, Duration.ofSeconds(2), 1.5));
	}

	@Test
	void aRetryPolicyGivesUpAfterItsAttemptsOrAtOnceWhenRetryingCannotHelp() {
		RetryPolicy policy = new RetryPolicy(3, Backoff.exponential(Duration.ofSeconds(1), Duration.ofSeconds(10)));
		HandlingOutcome failed = HandlingOutcome.failure(new IllegalStateException("boom"));
		assertThat(policy.retryAfter(1, failed).get()).isBetween(Duration.ofMillis(800), Duration.ofMillis(1200));
		assertThat(policy.retryAfter(2, failed)).isPresent();
		assertThat(policy.retryAfter(3, failed)).isEmpty();
		assertThat(policy.retryAfter(1, HandlingOutcome.permanentFailure(new IllegalArgumentException()))).isEmpty();
	}

}
