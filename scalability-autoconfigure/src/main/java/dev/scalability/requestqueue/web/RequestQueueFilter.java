package dev.scalability.requestqueue.web;

import java.io.IOException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;

import dev.scalability.requestqueue.Admission;
import dev.scalability.requestqueue.Permit;
import dev.scalability.requestqueue.Priority;
import dev.scalability.requestqueue.Refusal;
import dev.scalability.requestqueue.RefusalReason;
import dev.scalability.requestqueue.RequestQueue;
import dev.scalability.requestqueue.Waiting;
import dev.scalability.web.PathIndex;
import dev.scalability.web.RefusedRequests;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;


/**
 * Passes web requests through the {@link RequestQueue}: a request runs at once when a slot
 * is free, waits without holding a thread when none is (it is suspended, and dispatched
 * again when its turn comes), or is answered 503 at once. Its route gives its priority and
 * deadline; bypassed paths never wait. Registered for request and asynchronous
 * dispatches, so that it sees the dispatch that resumes a request it suspended; every
 * other dispatch passes through.
 */
public class RequestQueueFilter implements Filter {

	private static final Log logger = LogFactory.getLog(RequestQueueFilter.class);

	private final RequestQueue queue;

	private final PathIndex<QueueRoute> routes;

	private final PathIndex<Boolean> bypass;

	private final Priority defaultPriority;

	private final RequestQueueProblems problems;

	private final Executor deadlineAnswers;

	private volatile boolean warnedNotAsync;

	/**
	 * Creates the filter.
	 * @param queue the queue
	 * @param routes priorities and deadlines by route; the first match wins
	 * @param bypass paths that never wait
	 * @param defaultPriority the priority of requests no route matches
	 * @param problems writes refusals
	 * @param deadlineAnswers writes the answers of requests whose deadline passes while they
	 * run, off the queue's timer (a client slow to take one must not hold up the others)
	 */
	public RequestQueueFilter(RequestQueue queue, PathIndex<QueueRoute> routes, PathIndex<Boolean> bypass,
			Priority defaultPriority, RequestQueueProblems problems, Executor deadlineAnswers) {
		this.queue = queue;
		this.routes = routes;
		this.bypass = bypass;
		this.defaultPriority = defaultPriority;
		this.problems = problems;
		this.deadlineAnswers = deadlineAnswers;
	}

	@Override
	public void doFilter(ServletRequest servletRequest, ServletResponse servletResponse, FilterChain chain)
			throws IOException, ServletException {
		if (!(servletRequest instanceof HttpServletRequest request)
				|| !(servletResponse instanceof HttpServletResponse response)) {
			chain.doFilter(servletRequest, servletResponse);
			return;
		}
		DispatcherType type = request.getDispatcherType();
		if (type == DispatcherType.ASYNC) {
			SuspendedRequest suspended = SuspendedRequest.resuming(request);
			if (suspended != null) {
				resume(suspended.arrivedRequest(), suspended.arrivedResponse(), chain, suspended.resume());
				return;
			}
		}
		if (type != DispatcherType.REQUEST) {
			chain.doFilter(request, response);
			return;
		}
		if (this.bypass.matchFirst(request) != null) {
			chain.doFilter(request, response);
			return;
		}
		QueueRoute route = this.routes.matchFirst(request);
		Priority priority = (route != null) ? route.priority() : this.defaultPriority;
		SuspendedRequest suspended = new SuspendedRequest(request, response, this.problems);
		Admission admission = this.queue.admit(priority, (route != null) ? route.timeout() : null, suspended);
		if (admission instanceof Permit permit) {
			run(request, response, chain, permit);
		}
		else if (admission instanceof Refusal refusal) {
			this.problems.refuse(request, response, refusal);
		}
		else {
			Waiting waiting = (Waiting) admission;
			if (!suspended.suspend(waiting)) {
				cannotSuspend(request, response, chain, waiting, suspended);
			}
		}
	}

	private void resume(HttpServletRequest request, HttpServletResponse response, FilterChain chain,
			Admission outcome) throws IOException, ServletException {
		if (outcome instanceof Permit permit) {
			run(request, response, chain, permit);
		}
		else {
			this.problems.refuse(request, response, (Refusal) outcome);
		}
	}

	/**
	 * A filter before this one cannot go asynchronous, so the request cannot wait without
	 * its thread: rather than hold the thread, it is refused, unless its turn has come.
	 */
	private void cannotSuspend(HttpServletRequest request, HttpServletResponse response, FilterChain chain,
			Waiting waiting, SuspendedRequest suspended) throws IOException, ServletException {
		if (!this.warnedNotAsync) {
			this.warnedNotAsync = true;
			logger.warn("A filter before the request queue does not support asynchronous processing, so requests "
					+ "that would wait are refused instead (see FilterRegistrationBean#setAsyncSupported).");
		}
		Admission outcome = waiting.cancel() ? null : suspended.giveUpWaiting();
		if (outcome == null) {
			this.problems.refuse(request, response, new Refusal(RefusalReason.QUEUE_FULL, 1));
			return;
		}
		resume(request, response, chain, outcome);
	}

	private void run(HttpServletRequest request, HttpServletResponse response, FilterChain chain, Permit permit)
			throws IOException, ServletException {
		DeadlineResponse guarded = new DeadlineResponse(response,
				(raw) -> this.problems.write(request, raw, new Refusal(RefusalReason.REQUEST_TIMEOUT, 0)));
		permit.onDeadline(() -> this.deadlineAnswers.execute(guarded::expire));
		if (permit.overdue()) {
			// Its deadline passed on its way here: it never ran.
			guarded.expire();
			RefusedRequests.mark(request);
			permit.release(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
			return;
		}
		Throwable failure = null;
		try {
			chain.doFilter(request, guarded);
		}
		catch (IOException | ServletException | RuntimeException | Error ex) {
			failure = ex;
			if (!guarded.expired()) {
				throw ex;
			}
		}
		finally {
			guarded.close();
			if (failure == null && request.isAsyncStarted()) {
				releaseOnCompletion(request, permit, response);
			}
			else {
				int status = (failure != null && !response.isCommitted()) ? 500 : response.getStatus();
				permit.release(status);
			}
		}
	}

	/**
	 * The handler carries on asynchronously: the permit is held until it completes, and the
	 * container's asynchronous timeout enforces what is left of the deadline.
	 */
	private static void releaseOnCompletion(HttpServletRequest request, Permit permit, HttpServletResponse response) {
		try {
			AsyncContext context = request.getAsyncContext();
			long remainingMillis = Math.max(1, permit.remainingNanos() / 1_000_000);
			if (context.getTimeout() <= 0 || context.getTimeout() > remainingMillis) {
				context.setTimeout(remainingMillis);
			}
			context.addListener(releaser(permit, response));
		}
		catch (IllegalStateException ex) {
			// Completed already, or completing: nothing will call the listener.
			permit.release(response.getStatus());
		}
	}

	private static AsyncListener releaser(Permit permit, HttpServletResponse response) {
		return new AsyncListener() {

			@Override
			public void onComplete(AsyncEvent event) {
				permit.release(response.getStatus());
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

		};
	}

	/**
	 * Stops the thread pool that writes deadline answers, if the filter owns it.
	 */
	@Override
	public void destroy() {
		if (this.deadlineAnswers instanceof ExecutorService owned) {
			owned.shutdown();
		}
	}

}
