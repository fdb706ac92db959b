package dev.scalability.protection;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.scalability.permits.PermitGrant;
import dev.scalability.permits.PermitLimit;
import dev.scalability.permits.RatePermits;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.core.exception.AcquirePermissionCancelledException;
import io.github.resilience4j.bulkhead.BulkheadFullException;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.retry.Retry;

/**
 * A named protection around calls, its parts applied in one fixed order, from the outside
 * in:
 * <ol>
 * <li><b>rate limit</b>: a call over the limit is refused before it takes anything else;
 * the limit is the rate limiter's, shared by every instance on Redis;</li>
 * <li><b>bulkhead</b>: at most so many calls at once;</li>
 * <li><b>time limit</b>: the whole call, its retries included, gives up at the deadline,
 * so a caller's wait is bounded whatever the retries;</li>
 * <li><b>circuit breaker</b>: records each protected call once, whatever its retries did,
 * so that retries never count as failures of their own, and refuses calls while open;</li>
 * <li><b>retry</b>: tries the method again, with backoff, inside the breaker.</li>
 * </ol>
 * Each part is optional. A refusal or a timeout is a {@link ProtectionException}.
 */
public final class ProtectionPolicy {

	private final String name;

	private final PermitLimit rateLimit;

	private final RatePermits permits;

	private final Bulkhead bulkhead;

	private final Duration timeout;

	private final CallTimer timer;

	private final CircuitBreaker circuitBreaker;

	private final Retry retry;

	private final Duration openFor;

	private final java.util.function.Predicate<Throwable> ignored;

	private final ProtectionObserver observer;

	private ProtectionPolicy(Builder builder) {
		this.name = builder.name;
		this.rateLimit = builder.rateLimit;
		this.permits = builder.permits;
		this.bulkhead = builder.bulkhead;
		this.timeout = builder.timeout;
		this.timer = builder.timer;
		this.circuitBreaker = builder.circuitBreaker;
		this.retry = builder.retry;
		this.openFor = (builder.circuitBreaker != null) ? Duration.ofMillis(
				builder.circuitBreaker.getCircuitBreakerConfig().getWaitIntervalFunctionInOpenState().apply(1)) : null;
		this.ignored = builder.ignored;
		this.observer = builder.observer;
	}

	/**
	 * Starts a policy.
	 * @param name its name
	 * @return a builder
	 */
	public static Builder named(String name) {
		return new Builder(name);
	}

	public String name() {
		return this.name;
	}

	public CircuitBreaker circuitBreaker() {
		return this.circuitBreaker;
	}

	public Bulkhead bulkhead() {
		return this.bulkhead;
	}

	public Retry retry() {
		return this.retry;
	}

	/**
	 * Whether a failure passes through the policy as it is: not retried, not a failure for
	 * the breaker, not answered by a fallback (a refused authorization, invalid input).
	 * @param failure what a call threw
	 * @return whether the policy leaves it alone
	 */
	public boolean ignores(Throwable failure) {
		return this.ignored.test(failure);
	}

	/**
	 * Makes a call under the policy.
	 * @param <T> what it returns
	 * @param call the call
	 * @return what it returned
	 * @throws ProtectionException when the policy refused it or it timed out
	 * @throws Throwable what the call threw, after its retries
	 */
	public <T> T execute(ProtectedCall<T> call) throws Throwable {
		return execute(call, true);
	}

	/**
	 * Makes a call under the policy, retried or not.
	 * @param <T> what it returns
	 * @param call the call
	 * @param mayRetry whether the call may be made again after a failure: not when it may
	 * have taken effect (an HTTP {@code POST})
	 * @return what it returned
	 * @throws ProtectionException when the policy refused it or it timed out
	 * @throws Throwable what the call threw, after its retries
	 */
	public <T> T execute(ProtectedCall<T> call, boolean mayRetry) throws Throwable {
		if (this.observer == ProtectionObserver.NONE) {
			return rateLimited(mayRetry ? call : new Once<>(call));
		}
		long start = System.nanoTime();
		String outcome = "failure";
		try {
			T result = rateLimited(mayRetry ? call : new Once<>(call));
			outcome = "success";
			return result;
		}
		catch (ProtectionException ex) {
			outcome = ex.getReason().tag();
			throw ex;
		}
		catch (Throwable ex) {
			if (this.ignored.test(ex)) {
				outcome = "ignored";
			}
			throw ex;
		}
		finally {
			this.observer.called(this.name, outcome, System.nanoTime() - start);
		}
	}

	/**
	 * Hears that a fallback answered for a call.
	 * @param failure what the call threw
	 */
	public void fellBack(Throwable failure) {
		this.observer.fellBack(this.name,
				(failure instanceof ProtectionException refused) ? refused.getReason().tag() : "failure");
	}

	private <T> T rateLimited(ProtectedCall<T> call) throws Throwable {
		if (this.rateLimit == null) {
			return bulkheaded(call);
		}
		PermitGrant grant = this.permits.take(this.rateLimit, this.name, 1);
		if (grant.permits() < 1) {
			throw new ProtectionException(this.name, ProtectionException.Reason.RATE_LIMITED,
					Duration.ofNanos(grant.retryAfterNanos()), null);
		}
		try {
			return bulkheaded(call);
		}
		catch (ProtectionException ex) {
			if (this.name.equals(ex.getPolicy()) && (ex.getReason() == ProtectionException.Reason.BULKHEAD_FULL
					|| ex.getReason() == ProtectionException.Reason.CIRCUIT_OPEN)) {
				// The call never ran: its permit goes back to the limit.
				this.permits.giveBack(this.rateLimit, this.name, grant, 1);
			}
			throw ex;
		}
	}

	private <T> T bulkheaded(ProtectedCall<T> call) throws Throwable {
		if (this.bulkhead == null) {
			return timed(call);
		}
		try {
			this.bulkhead.acquirePermission();
		}
		catch (BulkheadFullException | AcquirePermissionCancelledException ex) {
			// Cancelled: the caller was interrupted while it waited for room.
			throw new ProtectionException(this.name, ProtectionException.Reason.BULKHEAD_FULL, null, ex);
		}
		try {
			return timed(call);
		}
		finally {
			this.bulkhead.onComplete();
		}
	}

	private <T> T timed(ProtectedCall<T> call) throws Throwable {
		if (this.timeout == null) {
			return broken(call);
		}
		return this.timer.call(this.name, this.timeout, () -> broken(call));
	}

	private <T> T broken(ProtectedCall<T> call) throws Throwable {
		if (this.circuitBreaker == null) {
			return retried(call);
		}
		try {
			this.circuitBreaker.acquirePermission();
		}
		catch (CallNotPermittedException ex) {
			// At most the time the breaker stays open: Resilience4j does not say how much is left.
			throw new ProtectionException(this.name, ProtectionException.Reason.CIRCUIT_OPEN, this.openFor, ex);
		}
		long start = this.circuitBreaker.getCurrentTimestamp();
		try {
			T result = retried(call);
			this.circuitBreaker.onResult(this.circuitBreaker.getCurrentTimestamp() - start,
					this.circuitBreaker.getTimestampUnit(), result);
			return result;
		}
		catch (Throwable ex) {
			if (this.ignored.test(ex)) {
				this.circuitBreaker.releasePermission();
			}
			else {
				this.circuitBreaker.onError(this.circuitBreaker.getCurrentTimestamp() - start,
						this.circuitBreaker.getTimestampUnit(), ex);
			}
			throw ex;
		}
	}

	/**
	 * Runs the call, and again after each failure while the retry allows and the deadline
	 * has not passed: a call interrupted at its deadline is not tried again.
	 */
	private <T> T retried(ProtectedCall<T> call) throws Throwable {
		if (this.retry == null || call instanceof Once) {
			return call.call();
		}
		Retry.Context<T> context = this.retry.context();
		while (true) {
			T result;
			try {
				result = call.call();
			}
			catch (Exception ex) {
				if (this.ignored.test(ex) || CallTimer.deadlinePassed()) {
					throw ex;
				}
				// Throws the exception when no attempt is left or it is not one to retry;
				// otherwise waits the backoff.
				context.onError(ex);
				if (CallTimer.deadlinePassed()) {
					throw ex;
				}
				continue;
			}
			if (!context.onResult(result)) {
				context.onComplete();
				return result;
			}
		}
	}

	/**
	 * A call made at most once, whatever the policy's retry.
	 */
	private record Once<T>(ProtectedCall<T> made) implements ProtectedCall<T> {

		@Override
		public T call() throws Throwable {
			return this.made.call();
		}

	}

	/**
	 * What there is to know about the policy now, for the snapshot.
	 * @return details, in display order
	 */
	public Map<String, Object> describe() {
		Map<String, Object> described = new LinkedHashMap<>();
		if (this.rateLimit != null) {
			described.put("rateLimit", Map.of("limit", this.rateLimit.limit(), "window",
					this.rateLimit.window().toString(), "shared", this.permits.shared()));
		}
		if (this.bulkhead != null) {
			described.put("bulkhead", Map.of("maxConcurrent", this.bulkhead.getBulkheadConfig().getMaxConcurrentCalls(),
					"available", this.bulkhead.getMetrics().getAvailableConcurrentCalls()));
		}
		if (this.timeout != null) {
			described.put("timeout", this.timeout.toString());
		}
		if (this.circuitBreaker != null) {
			CircuitBreaker.Metrics metrics = this.circuitBreaker.getMetrics();
			described.put("circuitBreaker", Map.of("state", this.circuitBreaker.getState().name(), "failureRate",
					metrics.getFailureRate(), "calls", metrics.getNumberOfBufferedCalls()));
		}
		if (this.retry != null) {
			described.put("retry", Map.of("maxAttempts", this.retry.getRetryConfig().getMaxAttempts()));
		}
		return described;
	}

	/**
	 * Builds a policy; every part is optional.
	 */
	public static final class Builder {

		private final String name;

		private PermitLimit rateLimit;

		private RatePermits permits;

		private Bulkhead bulkhead;

		private Duration timeout;

		private CallTimer timer;

		private CircuitBreaker circuitBreaker;

		private Retry retry;

		private ProtectionObserver observer = ProtectionObserver.NONE;

		private java.util.function.Predicate<Throwable> ignored = (failure) -> false;

		private Builder(String name) {
			if (name == null || name.isBlank()) {
				throw new IllegalArgumentException("a protection policy needs a name");
			}
			this.name = name;
		}

		/**
		 * Limits the rate of calls, over every instance when the permits are shared.
		 * @param limit the limit
		 * @param permits who counts the permits
		 * @return this builder
		 */
		public Builder rateLimit(PermitLimit limit, RatePermits permits) {
			this.rateLimit = limit;
			this.permits = permits;
			return this;
		}

		public Builder bulkhead(Bulkhead bulkhead) {
			this.bulkhead = bulkhead;
			return this;
		}

		/**
		 * Bounds how long a call, retries included, may take.
		 * @param timeout the longest
		 * @param timer interrupts the calls that take longer
		 * @return this builder
		 */
		public Builder timeout(Duration timeout, CallTimer timer) {
			this.timeout = timeout;
			this.timer = timer;
			return this;
		}

		public Builder circuitBreaker(CircuitBreaker circuitBreaker) {
			this.circuitBreaker = circuitBreaker;
			return this;
		}

		public Builder retry(Retry retry) {
			this.retry = retry;
			return this;
		}

		/**
		 * Failures that pass through the policy as they are: not retried, not counted by
		 * the breaker, not answered by a fallback.
		 * @param ignored whether a failure is one
		 * @return this builder
		 */
		public Builder ignore(java.util.function.Predicate<Throwable> ignored) {
			this.ignored = ignored;
			return this;
		}

		public Builder observer(ProtectionObserver observer) {
			this.observer = observer;
			return this;
		}

		public ProtectionPolicy build() {
			return new ProtectionPolicy(this);
		}

	}

}
