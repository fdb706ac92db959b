package dev.scalability.requestqueue;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import dev.scalability.time.MonotonicClock;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The server-error breaker on a Resilience4j {@link CircuitBreaker}, so that its state,
 * metrics and events show wherever the application's other breakers do.
 */
public final class Resilience4jServerErrorBreaker implements ServerErrorBreaker {

	private static final Log logger = LogFactory.getLog(Resilience4jServerErrorBreaker.class);

	private static final ServerError SERVER_ERROR = new ServerError();

	private final CircuitBreaker breaker;

	private final MonotonicClock clock;

	private final long openForNanos;

	private volatile long openedAt;

	private volatile CircuitBreaker.State lastState;

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
		this.lastState = breaker.getState();
	}

	@Override
	public boolean tryAcquire() {
		boolean permitted = this.breaker.tryAcquirePermission();
		if (!permitted) {
			noticeTransition();
		}
		return permitted;
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
		noticeTransition();
	}

	/**
	 * Notices a change of state, after a call recorded or refused. No event listener does
	 * it: with one registered, Resilience4j builds an event object for every call.
	 */
	private void noticeTransition() {
		CircuitBreaker.State state = this.breaker.getState();
		CircuitBreaker.State last = this.lastState;
		if (state == last) {
			return;
		}
		this.lastState = state;
		if (state == CircuitBreaker.State.OPEN) {
			this.openedAt = this.clock.nanos();
		}
		logger.warn("Circuit breaker '" + this.breaker.getName() + "' went from " + last + " to " + state);
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
