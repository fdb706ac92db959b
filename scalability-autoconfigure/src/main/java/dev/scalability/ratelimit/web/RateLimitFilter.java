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
		List<Counted> countedLater = null;
		for (RateLimitRule rule : matching) {
			if (rule.skips(request)) {
				continue;
			}
			String key = rule.key(request);
			RateLimitDecision decision;
			try {
				decision = this.service.acquire(rule.policy(), key, 1,
						rule.countsByStatus() ? AcquireMode.CHECK : AcquireMode.ACQUIRE);
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
				countedLater = (countedLater != null) ? countedLater : new ArrayList<>(2);
				countedLater.add(new Counted(rule, key));
			}
		}
		this.headers.write(response, decisions);
		chain.doFilter(request, response);
		if (countedLater != null) {
			countAfterResponse(request, response, countedLater);
		}
	}

	private void refuse(HttpServletRequest request, HttpServletResponse response, List<RateLimitDecision> decisions,
			RateLimitDecision refusal) throws IOException {
		this.headers.write(response, decisions);
		String policy = PolicyNames.of(refusal.policy(), refusal.limitIndex());
		String detail = "Too many requests for '" + policy + "': " + refusal.limit().capacity() + " per "
				+ PolicyNames.label(refusal.limit().window()) + ". Retry after " + refusal.retryAfterSeconds()
				+ " s.";
		ProblemResponses.quotaExceeded(response, request.getRequestURI(), detail, List.of(policy),
				refusal.retryAfterSeconds());
	}

	private void countAfterResponse(HttpServletRequest request, HttpServletResponse response, List<Counted> counted) {
		if (request.isAsyncStarted()) {
			request.getAsyncContext().addListener(new AsyncListener() {

				@Override
				public void onComplete(AsyncEvent event) {
					record(response.getStatus(), counted);
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
		record(response.getStatus(), counted);
	}

	private void record(int status, List<Counted> counted) {
		for (Counted entry : counted) {
			if (entry.rule.counts(status)) {
				try {
					this.service.acquire(entry.rule.policy(), entry.key, 1, AcquireMode.RECORD);
				}
				catch (RateLimiterUnavailableException ex) {
					// The response is gone already; the next check will refuse if needed.
				}
			}
		}
	}

	public RuleIndex rules() {
		return this.rules;
	}

	private record Counted(RateLimitRule rule, String key) {
	}

}
