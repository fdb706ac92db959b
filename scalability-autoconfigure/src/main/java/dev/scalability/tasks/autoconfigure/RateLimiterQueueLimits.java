package dev.scalability.tasks.autoconfigure;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.scalability.ratelimit.AcquireMode;
import dev.scalability.ratelimit.RateLimitDecision;
import dev.scalability.ratelimit.RateLimitPolicy;
import dev.scalability.ratelimit.RateLimiter;
import dev.scalability.tasks.QueueRateLimits;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The rate limits of queues as permits of the rate limiter (shared through Redis when its
 * backend is Redis), one per task.
 */
public final class RateLimiterQueueLimits implements QueueRateLimits {

	private static final Log logger = LogFactory.getLog(RateLimiterQueueLimits.class);

	private static final long UNAVAILABLE_RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);

	/**
	 * The longest a refused queue waits before it asks again: a window of an hour must not
	 * leave a queue asleep for most of it once permits are back.
	 */
	private static final long LONGEST_WAIT_NANOS = TimeUnit.SECONDS.toNanos(1);

	private final RateLimiter limiter;

	private final Map<String, RateLimitPolicy> policies;

	/**
	 * Creates the limits.
	 * @param limiter the rate limiter
	 * @param policies the policy of each limited queue, by queue
	 */
	public RateLimiterQueueLimits(RateLimiter limiter, Map<String, RateLimitPolicy> policies) {
		this.limiter = limiter;
		this.policies = Map.copyOf(policies);
	}

	@Override
	public boolean limits(String queue) {
		return this.policies.containsKey(queue);
	}

	/**
	 * The policy of a queue.
	 * @param queue the queue
	 * @return the policy, or {@code null} when the queue is not limited
	 */
	public RateLimitPolicy policy(String queue) {
		return this.policies.get(queue);
	}

	@Override
	public Grant take(String queue, int wanted) {
		RateLimitPolicy policy = this.policies.get(queue);
		if (policy == null || wanted <= 0) {
			return new Grant(Math.max(wanted, 0), 0, RateLimitDecision.Source.BACKEND);
		}
		try {
			int asked = (int) Math.min(wanted, policy.limits().get(0).capacity());
			RateLimitDecision decision = this.limiter.acquire(policy, queue, asked, AcquireMode.ACQUIRE);
			if (decision.allowed()) {
				return new Grant(asked, 0, decision.source());
			}
			if (decision.remaining() > 0 && decision.remaining() < asked) {
				int fewer = (int) decision.remaining();
				RateLimitDecision partial = this.limiter.acquire(policy, queue, fewer, AcquireMode.ACQUIRE);
				if (partial.allowed()) {
					return new Grant(fewer, 0, partial.source());
				}
				decision = partial;
			}
			long wait = Math.min(LONGEST_WAIT_NANOS,
					Math.max(decision.retryAfterNanos(), TimeUnit.MILLISECONDS.toNanos(1)));
			return new Grant(0, wait, decision.source());
		}
		catch (RuntimeException ex) {
			// The limiter's own fail-mode answers when it can; this is what it refused to.
			logger.debug("No permits for queue '" + queue + "' for now: " + ex.getMessage());
			return new Grant(0, UNAVAILABLE_RETRY_NANOS, RateLimitDecision.Source.BACKEND);
		}
	}

	@Override
	public void giveBack(String queue, Grant grant, int unused) {
		RateLimitPolicy policy = this.policies.get(queue);
		if (policy == null || unused <= 0) {
			return;
		}
		try {
			RateLimitDecision.Source source = (grant.grantedBy() instanceof RateLimitDecision.Source granted) ? granted
					: RateLimitDecision.Source.BACKEND;
			this.limiter.refund(policy, queue, Math.min(unused, grant.permits()), source);
		}
		catch (RuntimeException ex) {
			// Under-admission only: the permits come back with time.
			logger.debug("Unused permits of queue '" + queue + "' not given back: " + ex.getMessage());
		}
	}

}
