package dev.scalability.requestqueue;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import dev.scalability.time.MonotonicClock;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;

/**
 * The server-error breaker on a Resilience4j {@link CircuitBreaker}, so that its state,
 * metrics and events show wherever the application's other breakers do.
 */
public final class Resilience4jServerErrorBreaker implements ServerErrorBreaker {

	private static final ServerError SERVER_ERROR = new ServerError();

	private final CircuitBreaker breaker;

	private final MonotonicClock clock;

	private final long openForNanos;

	private volatile long openedAt;

	/**
	 * Wraps a breaker.
	 * @param breaker the breaker, counting errors over its window
	 * @param openFor how long it stays open, for {@code Retry-After}
	 * @param clock the clock
	 */
	public Resilience4jServerErrorBreaker(CircuitBreaker breaker, Duration openFor, MonotonicClock clock) {
		this.breaker = breaker;
		this.clock = clock;
		this.openForNanos = openFor.toNanos();
		this.openedAt = clock.nanos();
		breaker.getEventPublisher().onStateTransition((event) -> {
			if (event.getStateTransition().getToState() == CircuitBreaker.State.OPEN) {
				this.openedAt = clock.nanos();
			}
		});
	}

	@Override
	public boolean tryAcquire() {
		return this.breaker.tryAcquirePermission();
	}

	@Override
	public void release() {
		this.breaker.releasePermission();
	}

	@Override
	public void record(long durationNanos, boolean serverError) {
		if (serverError) {
			this.breaker.onError(durationNanos, TimeUnit.NANOSECONDS, SERVER_ERROR);
		}
		else {
			this.breaker.onSuccess(durationNanos, TimeUnit.NANOSECONDS);
		}
	}

	@Override
	public String state() {
		return this.breaker.getState().name();
	}

	@Override
	public long retryAfterSeconds() {
		long left = this.openedAt + this.openForNanos - this.clock.nanos();
		return Math.max(1, (left + 999_999_999) / 1_000_000_000);
	}

	public CircuitBreaker breaker() {
		return this.breaker;
	}

	/**
	 * What the breaker records for a 5xx response: no stack, since it is thrown nowhere.
	 */
	static final class ServerError extends RuntimeException {

		ServerError() {
			super("the response was a server error", null, false, false);
		}

	}

}
