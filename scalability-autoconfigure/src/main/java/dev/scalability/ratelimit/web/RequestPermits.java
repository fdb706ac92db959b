package dev.scalability.ratelimit.web;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.servlet.http.HttpServletRequest;

import dev.scalability.ratelimit.RateLimitDecision;
import dev.scalability.ratelimit.RateLimitKey;
import dev.scalability.ratelimit.RateLimiterService;
import dev.scalability.time.MonotonicClock;

/**
 * What one request took from which rule, kept in the request from the first rate-limit
 * filter that matches it to the end, and settled once, when it ends: a refused request (by
 * any rule, any {@code @RateLimited} method, the fail-mode, or anything else answering 429)
 * gives back everything it took, and so does a request another feature refused (the request
 * queue's 503); a rule with {@code count-status} gives back what a
 * response it does not count took. A permit goes back to whoever granted it (Redis, or the
 * fail-mode's local count), without the request waiting for Redis, and only while it is
 * still taken: a token bucket that has recovered it on its own by the time the request
 * ends gets nothing back.
 */
final class RequestPermits {

	static final String ATTRIBUTE = RequestPermits.class.getName();

	private final MonotonicClock clock;

	private final List<RateLimitDecision> decisions = new ArrayList<>(2);

	private final List<Taken> taken = new ArrayList<>(2);

	private volatile boolean refused;

	private final AtomicBoolean settled = new AtomicBoolean();

	/**
	 * The permits of a request.
	 * @param request the request
	 * @return the permits already held, or {@code null} when none are
	 */
	static RequestPermits of(HttpServletRequest request) {
		return (RequestPermits) request.getAttribute(ATTRIBUTE);
	}

	private RequestPermits(MonotonicClock clock) {
		this.clock = clock;
	}

	static RequestPermits start(HttpServletRequest request, MonotonicClock clock) {
		RequestPermits permits = new RequestPermits(clock);
		request.setAttribute(ATTRIBUTE, permits);
		return permits;
	}

	/**
	 * Marks the request of these permits as refused, if it has any.
	 * @param request the request
	 */
	static void refused(HttpServletRequest request) {
		RequestPermits permits = of(request);
		if (permits != null) {
			permits.refused();
		}
	}

	void decided(RateLimitDecision decision) {
		this.decisions.add(decision);
	}

	/**
	 * Records a permit taken.
	 * @param rule the rule
	 * @param key the key
	 * @param decision the decision that granted it
	 * @param askedAt when it was asked for, on the feature's clock
	 */
	void took(RateLimitRule rule, RateLimitKey key, RateLimitDecision decision, long askedAt) {
		this.taken.add(new Taken(rule, key, decision, askedAt));
	}

	long now() {
		return this.clock.nanos();
	}

	void refused() {
		this.refused = true;
	}

	List<RateLimitDecision> decisions() {
		return this.decisions;
	}

	/**
	 * Gives back what the outcome does not count; at most once.
	 * @param service takes the permits back, without waiting for a server
	 * @param status the response's final status
	 * @param refusedElsewhere whether another feature refused the request (the request
	 * queue)
	 */
	void settle(RateLimiterService service, int status, boolean refusedElsewhere) {
		if (!this.settled.compareAndSet(false, true)) {
			return;
		}
		boolean refusal = this.refused || refusedElsewhere || status == 429;
		long now = this.clock.nanos();
		for (Taken permit : this.taken) {
			boolean keep = refusal ? permit.rule.counts(status)
					: (!permit.rule.countsByStatus() || permit.rule.counts(status));
			if (!keep && now - permit.at < permit.decision.heldForNanos()) {
				try {
					service.refund(permit.decision, permit.key, 1);
				}
				catch (RuntimeException ex) {
					// The backend is gone: the permit stays taken, which errs on the safe side.
				}
			}
		}
	}

	private record Taken(RateLimitRule rule, RateLimitKey key, RateLimitDecision decision, long at) {
	}

}
