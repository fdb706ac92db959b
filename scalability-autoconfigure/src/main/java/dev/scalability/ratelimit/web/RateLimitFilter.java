package dev.scalability.ratelimit.web;

import java.io.IOException;
import java.util.List;

import dev.scalability.ratelimit.AcquireMode;
import dev.scalability.ratelimit.RateLimitDecision;
import dev.scalability.ratelimit.RateLimitKey;
import dev.scalability.ratelimit.RateLimiterService;
import dev.scalability.ratelimit.RateLimiterUnavailableException;
import dev.scalability.redis.RedisTimeBudget;
import dev.scalability.time.MonotonicClock;
import dev.scalability.web.PathIndex;
import dev.scalability.web.RefusedRequests;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Applies rate-limit rules to web requests. Every rule that covers a request applies, in
 * the order declared; the first refusal ends the request with 429, its headers and a
 * problem body, before any of the application's handlers run.
 *
 * <p>Two of these filters run: one before Spring Security, for rules keyed by address,
 * header or expression, so that they also count the requests that Spring Security answers
 * itself (a failed login); one after it, for rules keyed by the authenticated user. What a
 * request took is settled once, in a {@code finally} of the first filter that took
 * anything: see {@link RequestPermits}. The request waits for Redis no longer than one
 * Redis timeout in all, whatever the number of rules and rate-limited methods it meets;
 * its refunds are sent without waiting.
 *
 * <p>Each filter checks a request once: on its first pass, or, when a filter ahead of it
 * forwarded the request before it got there (a URL rewrite, Spring Security's forward to a
 * failure page), on the forward. Forwards and includes of a request it checked already, error
 * pages and async dispatches pass through unchecked; an async dispatch (a request the request
 * queue resumes) gets a Redis time budget of its own for the rate-limited methods it calls.
 */
public class RateLimitFilter extends HttpFilter {

	private final String checkedAttribute;

	private final PathIndex<RateLimitRule> rules;

	private final RateLimiterService service;

	private final RateLimitHeaders headers;

	private final RateLimitProblems problems;

	private final MonotonicClock clock;

	private final RedisTimeBudget redisBudget;

	/**
	 * Creates a filter.
	 * @param name the filter's name, which tells it apart from the other rate-limit filter
	 * when a request passes both
	 * @param rules the rules this filter checks
	 * @param service decides
	 * @param headers writes the headers
	 * @param problems writes refusals
	 * @param clock tells how long a request held its permits
	 */
	public RateLimitFilter(String name, PathIndex<RateLimitRule> rules, RateLimiterService service,
			RateLimitHeaders headers, RateLimitProblems problems, MonotonicClock clock) {
		this.checkedAttribute = RateLimitFilter.class.getName() + "." + name + ".checked";
		this.rules = rules;
		this.service = service;
		this.headers = headers;
		this.problems = problems;
		this.clock = clock;
		this.redisBudget = service.limiter().requestBudget();
	}

	/**
	 * Whether this filter has any rule to check.
	 * @return whether it does
	 */
	public boolean hasRules() {
		return !this.rules.routes().isEmpty();
	}

	@Override
	protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws IOException, ServletException {
		boolean check = firstCheck(request);
		if (!check && request.getDispatcherType() != DispatcherType.ASYNC) {
			chain.doFilter(request, response);
			return;
		}
		// Open for every request, matched or not, and for each asynchronous dispatch (a
		// request the queue resumes): the rate-limited methods it calls share it.
		RedisTimeBudget.Scope budget = (this.redisBudget != null) ? this.redisBudget.open() : null;
		try {
			List<RateLimitRule> matching = check ? this.rules.matchAll(request) : List.of();
			if (matching.isEmpty()) {
				chain.doFilter(request, response);
				return;
			}
			RequestPermits held = RequestPermits.of(request);
			RequestPermits permits = (held != null) ? held : RequestPermits.start(request, this.clock);
			Throwable failure = null;
			try {
				if (takePermits(request, response, matching, permits)) {
					this.headers.write(response, permits.decisions());
					chain.doFilter(request, response);
				}
			}
			catch (IOException | ServletException | RuntimeException | Error ex) {
				failure = ex;
				throw ex;
			}
			finally {
				if (held == null) {
					settle(request, response, permits, failure);
				}
			}
		}
		finally {
			if (budget != null) {
				budget.close();
			}
		}
	}

	/**
	 * Whether this pass of a request is the one this filter checks, marking it checked.
	 */
	private boolean firstCheck(HttpServletRequest request) {
		DispatcherType type = request.getDispatcherType();
		if (type != DispatcherType.REQUEST
				&& (type != DispatcherType.FORWARD && type != DispatcherType.INCLUDE
						|| request.getAttribute(this.checkedAttribute) != null)) {
			return false;
		}
		request.setAttribute(this.checkedAttribute, Boolean.TRUE);
		return true;
	}

	/**
	 * Takes a permit from every rule that covers the request.
	 * @return whether the request may go on; when not, the refusal is written
	 */
	private boolean takePermits(HttpServletRequest request, HttpServletResponse response,
			List<RateLimitRule> matching, RequestPermits permits) throws IOException {
		for (RateLimitRule rule : matching) {
			if (rule.skips(request)) {
				continue;
			}
			RateLimitKey key = rule.key(request);
			long askedAt = permits.now();
			RateLimitDecision decision;
			try {
				decision = this.service.acquire(rule.policy(), key, 1, AcquireMode.ACQUIRE);
			}
			catch (RateLimiterUnavailableException ex) {
				permits.refused();
				this.problems.unavailable(request, response, ex);
				return false;
			}
			permits.decided(decision);
			if (!decision.allowed()) {
				permits.refused();
				this.headers.write(response, permits.decisions());
				this.problems.quotaExceeded(request, response, decision);
				return false;
			}
			permits.took(rule, key, decision, askedAt);
		}
		return true;
	}

	private void settle(HttpServletRequest request, HttpServletResponse response, RequestPermits permits,
			Throwable failure) {
		if (failure == null && request.isAsyncStarted()) {
			request.getAsyncContext().addListener(new AsyncListener() {

				@Override
				public void onComplete(AsyncEvent event) {
					permits.settle(RateLimitFilter.this.service, response.getStatus(), RefusedRequests.isRefused(request));
				}

				@Override
				public void onTimeout(AsyncEvent event) {
					// Completed after, with the status the timeout handling chose.
				}

				@Override
				public void onError(AsyncEvent event) {
					// Completed after, with the status the error handling chose.
				}

				@Override
				public void onStartAsync(AsyncEvent event) {
					event.getAsyncContext().addListener(this);
				}

			});
			return;
		}
		// An exception on its way to the container becomes a 500, unless a status went out.
		int status = (failure != null && !response.isCommitted()) ? 500 : response.getStatus();
		permits.settle(this.service, status, RefusedRequests.isRefused(request));
	}

}
