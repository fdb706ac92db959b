package dev.scalability.ratelimit.web;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import dev.scalability.ratelimit.AcquireMode;
import dev.scalability.ratelimit.RateLimitDecision;
import dev.scalability.ratelimit.RateLimiterService;
import dev.scalability.ratelimit.RateLimiterUnavailableException;

import org.springframework.http.server.PathContainer;
import org.springframework.http.server.RequestPath;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Applies the rate-limit rules to web requests. Every rule that covers a request applies,
 * in the order declared; the first refusal ends the request with 429, its headers and a
 * problem body, before any of the application's handlers run.
 */
public class RateLimitFilter extends OncePerRequestFilter {

	private final RuleIndex rules;

	private final RateLimiterService service;

	private final RateLimitHeaders headers;

	private final long unavailableRetryAfterSeconds;

	/**
	 * Creates a filter.
	 * @param rules the rules
	 * @param service decides
	 * @param headers writes the headers
	 * @param unavailableRetryAfterSeconds the {@code Retry-After} of a 503 when no
	 * decision can be made
	 */
	public RateLimitFilter(RuleIndex rules, RateLimiterService service, RateLimitHeaders headers,
			long unavailableRetryAfterSeconds) {
		this.rules = rules;
		this.service = service;
		this.headers = headers;
		this.unavailableRetryAfterSeconds = unavailableRetryAfterSeconds;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		PathContainer path = RequestPath.parse(request.getRequestURI(), request.getContextPath())
			.pathWithinApplication();
		List<RateLimitRule> matching = this.rules.match(path, request.getMethod());
		if (matching.isEmpty()) {
			chain.doFilter(request, response);
			return;
		}
		List<RateLimitDecision> decisions = new ArrayList<>(matching.size());
		List<Taken> refundable = null;
		for (RateLimitRule rule : matching) {
			if (rule.skips(request)) {
				continue;
			}
			String key = rule.key(request);
			RateLimitDecision decision;
			try {
				decision = this.service.acquire(rule.policy(), key, 1, AcquireMode.ACQUIRE);
			}
			catch (RateLimiterUnavailableException ex) {
				ProblemResponses.unavailable(response, request.getRequestURI(), ex.getMessage(),
						this.unavailableRetryAfterSeconds);
				return;
			}
			decisions.add(decision);
			if (!decision.allowed()) {
				refuse(request, response, decisions, decision);
				return;
			}
			if (rule.countsByStatus()) {
				refundable = (refundable != null) ? refundable : new ArrayList<>(2);
				refundable.add(new Taken(rule, key));
			}
		}
		this.headers.write(response, decisions);
		chain.doFilter(request, response);
		if (refundable != null) {
			refundAfterResponse(request, response, refundable);
		}
	}

	private void refuse(HttpServletRequest request, HttpServletResponse response, List<RateLimitDecision> decisions,
			RateLimitDecision refusal) throws IOException {
		this.headers.write(response, decisions);
		ProblemResponses.quotaExceeded(response, request.getRequestURI(), refusal);
	}

	/**
	 * With {@code count-status}, the permit was taken before the request (so that
	 * concurrent requests cannot slip past the limit together) and is given back when the
	 * response's status does not count.
	 */
	private void refundAfterResponse(HttpServletRequest request, HttpServletResponse response, List<Taken> taken) {
		if (request.isAsyncStarted()) {
			request.getAsyncContext().addListener(new AsyncListener() {

				@Override
				public void onComplete(AsyncEvent event) {
					refundUncounted(response.getStatus(), taken);
				}

				@Override
				public void onTimeout(AsyncEvent event) {
				}

				@Override
				public void onError(AsyncEvent event) {
				}

				@Override
				public void onStartAsync(AsyncEvent event) {
				}

			});
			return;
		}
		refundUncounted(response.getStatus(), taken);
	}

	private void refundUncounted(int status, List<Taken> taken) {
		for (Taken permit : taken) {
			if (!permit.rule.counts(status)) {
				try {
					this.service.acquire(permit.rule.policy(), permit.key, 1, AcquireMode.REFUND);
				}
				catch (RateLimiterUnavailableException ex) {
					// The backend is gone: the permit stays taken, which errs on the safe side.
				}
			}
		}
	}

	private record Taken(RateLimitRule rule, String key) {
	}

}
