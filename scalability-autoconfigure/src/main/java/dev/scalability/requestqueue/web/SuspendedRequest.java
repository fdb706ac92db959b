package dev.scalability.requestqueue.web;

import java.io.IOException;

import dev.scalability.requestqueue.Admission;
import dev.scalability.requestqueue.Permit;
import dev.scalability.requestqueue.Refusal;
import dev.scalability.requestqueue.RefusalReason;
import dev.scalability.requestqueue.Waiter;
import dev.scalability.requestqueue.Waiting;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;

/**
 * A request waiting in the queue without a thread: suspended with asynchronous servlet
 * processing, and dispatched again through the filter chain when its wait ends, to run
 * or to be refused on a container thread. The wait may end before the request is
 * suspended (a slot frees up in between); then it is dispatched as soon as it is.
 */
final class SuspendedRequest implements Waiter, AsyncListener {

	private static final String ATTRIBUTE = SuspendedRequest.class.getName();

	/**
	 * How long past its wait the container's own asynchronous timeout fires, in case the
	 * queue's timer never ends the wait.
	 */
	private static final long SAFETY_MARGIN_MILLIS = 5_000;

	private final HttpServletRequest request;

	private final HttpServletResponse response;

	private final RequestQueueProblems problems;

	private AsyncContext context;

	private Waiting waiting;

	private Admission outcome;

	private boolean resumed;

	private boolean abandoned;

	SuspendedRequest(HttpServletRequest request, HttpServletResponse response, RequestQueueProblems problems) {
		this.request = request;
		this.response = response;
		this.problems = problems;
	}

	/**
	 * The suspended request a dispatch resumes.
	 * @param request the request of an asynchronous dispatch
	 * @return the suspended request, or {@code null} when the dispatch is not the queue's
	 */
	static SuspendedRequest resuming(HttpServletRequest request) {
		SuspendedRequest suspended = (SuspendedRequest) request.getAttribute(ATTRIBUTE);
		if (suspended != null) {
			request.removeAttribute(ATTRIBUTE);
		}
		return suspended;
	}

	/**
	 * Suspends the request until its wait ends.
	 * @param waiting its place in the queue
	 * @return {@code false} when the request cannot be suspended (a filter before the
	 * queue's does not support asynchronous processing)
	 */
	boolean suspend(Waiting waiting) {
		AsyncContext started;
		try {
			// With the container's own request and response: Jetty dispatches a request
			// suspended with wrappers to its URI without the query string. The wrappers the
			// filters before the queue made are passed on by the filter when it resumes.
			started = this.request.startAsync();
		}
		catch (IllegalStateException ex) {
			return false;
		}
		started.setTimeout(Math.max(1, waiting.remainingWaitNanos() / 1_000_000) + SAFETY_MARGIN_MILLIS);
		started.addListener(this);
		synchronized (this) {
			this.context = started;
			this.waiting = waiting;
			if (this.outcome != null) {
				dispatch();
			}
		}
		return true;
	}

	@Override
	public void admitted(Permit permit) {
		ended(permit);
	}

	@Override
	public void refused(Refusal refusal) {
		ended(refusal);
	}

	private void ended(Admission outcome) {
		synchronized (this) {
			this.outcome = outcome;
			if (!this.abandoned) {
				if (this.context != null) {
					dispatch();
				}
				return;
			}
		}
		if (outcome instanceof Permit permit) {
			permit.abandon();
		}
	}

	/**
	 * Gives up waiting, for a request that could not be suspended and whose place could not
	 * be cancelled either: its wait is ending on another thread right now.
	 * @return the outcome if it has come already, else {@code null}; an outcome that comes
	 * later is then given back to the queue
	 */
	synchronized Admission giveUpWaiting() {
		if (this.outcome != null) {
			this.resumed = true;
			return this.outcome;
		}
		this.abandoned = true;
		return null;
	}

	private void dispatch() {
		this.request.setAttribute(ATTRIBUTE, this);
		this.context.dispatch();
	}

	/**
	 * The request as the filters before the queue passed it on when it arrived, for the
	 * dispatch that resumes it: a form body they read, the user they authenticated, the
	 * headers they will write are all kept. It says it is an asynchronous dispatch, as the
	 * container's request does on Tomcat but not on Jetty, so that filters after the queue
	 * see the same on both.
	 * @return the request the filters after the queue get
	 */
	HttpServletRequest arrivedRequest() {
		if (this.request.getDispatcherType() == DispatcherType.ASYNC) {
			return this.request;
		}
		return new HttpServletRequestWrapper(this.request) {

			@Override
			public DispatcherType getDispatcherType() {
				return DispatcherType.ASYNC;
			}

		};
	}

	/**
	 * The response as the filters before the queue passed it on when the request arrived.
	 * @return the response the filters after the queue get
	 */
	HttpServletResponse arrivedResponse() {
		return this.response;
	}

	/**
	 * Takes the outcome of the wait, on the dispatch that resumes the request.
	 * @return a permit or a refusal
	 */
	synchronized Admission resume() {
		this.resumed = true;
		return this.outcome;
	}

	/**
	 * The outcome when the request never got to use it.
	 */
	private synchronized Admission unresumed() {
		return this.resumed ? null : this.outcome;
	}

	@Override
	public void onTimeout(AsyncEvent event) throws IOException {
		Waiting entry;
		synchronized (this) {
			entry = this.waiting;
		}
		if (entry != null && entry.cancel()) {
			// Through the wrappers of the filters before the queue, as every other answer.
			this.problems.refuse(this.request, this.response, new Refusal(RefusalReason.WAIT_TIMEOUT, 1));
			event.getAsyncContext().complete();
		}
	}

	@Override
	public void onError(AsyncEvent event) {
		giveUp();
	}

	@Override
	public void onComplete(AsyncEvent event) {
		giveUp();
	}

	/**
	 * The request ended without running (the client went away): its place in the queue, or
	 * the slot it was granted, goes to another.
	 */
	private void giveUp() {
		Waiting entry;
		synchronized (this) {
			entry = this.waiting;
		}
		if (entry != null) {
			entry.cancel();
		}
		if (unresumed() instanceof Permit permit) {
			permit.abandon();
		}
	}

	@Override
	public void onStartAsync(AsyncEvent event) {
		// The request runs now; the permit's own listener takes over.
	}

}
