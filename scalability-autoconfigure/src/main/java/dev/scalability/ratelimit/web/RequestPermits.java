package dev.scalability.ratelimit.web;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.scalability.ratelimit.AcquireMode;
import dev.scalability.ratelimit.RateLimitDecision;
import dev.scalability.ratelimit.RateLimitKey;
import dev.scalability.ratelimit.RateLimiterService;
import jakarta.servlet.http.HttpServletRequest;

/**
 * What one request took from which rule, kept in the request from the first rate-limit
 * filter that matches it to the end, and settled once, when it ends: a refused request (by
 * any rule, any {@code @RateLimited} method, the fail-mode, or anything else answering 429)
 * gives back everything it took; a rule with {@code count-status} gives back what a
 * response it does not count took.
 */
final class RequestPermits {

	static final String ATTRIBUTE = RequestPermits.class.getName();

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

	static RequestPermits start(HttpServletRequest request) {
		RequestPermits permits = new RequestPermits();
		request.setAttribute(ATTRIBUTE, permits);
		return permits;
	}

	void decided(RateLimitDecision decision) {
		this.decisions.add(decision);
	}

	void took(RateLimitRule rule, RateLimitKey key) {
		this.taken.add(new Taken(rule, key));
	}

	void refused() {
		this.refused = true;
	}

	List<RateLimitDecision> decisions() {
		return this.decisions;
	}

	/**
	 * Gives back what the outcome does not count; at most once.
	 * @param service takes the permits back
	 * @param status the response's final status
	 */
	void settle(RateLimiterService service, int status) {
		if (!this.settled.compareAndSet(false, true)) {
			return;
		}
		boolean refusal = this.refused || status == 429;
		for (Taken permit : this.taken) {
			boolean keep = refusal ? permit.rule.counts(status)
					: (!permit.rule.countsByStatus() || permit.rule.counts(status));
			if (!keep) {
				try {
					service.acquire(permit.rule.policy(), permit.key, 1, AcquireMode.REFUND);
				}
				catch (RuntimeException ex) {
					// The backend is gone: the permit stays taken, which errs on the safe side.
				}
			}
		}
	}

	private record Taken(RateLimitRule rule, RateLimitKey key) {
	}

}
