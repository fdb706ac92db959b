package dev.scalability.events;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.scalability.delivery.PayloadCodec;

/**
 * The requests of this instance that wait for an answer, by correlation id. Answers that
 * come after the timeout, or twice, find nothing and are dropped: the first answer wins.
 * Each request's timer goes as soon as the request completes, so that a busy instance
 * with long timeouts does not keep one per request until it would have fired. Requests
 * are completed, their answer read, on the completion executor: never on the thread that
 * brought the answer, which may be the Redis client's I/O thread, nor on the timer's.
 */
public final class PendingReplies implements ReplyChannel {

	private static final ScheduledThreadPoolExecutor SHARED_TIMER = timer();

	private final PayloadCodec codec;

	private final ScheduledThreadPoolExecutor timer;

	private final Executor completions;

	private final Map<String, Waiting> waiting = new ConcurrentHashMap<>();

	/**
	 * Waits with the shared timer, completing requests on the common pool.
	 * @param codec reads answers
	 */
	public PendingReplies(PayloadCodec codec) {
		this(codec, SHARED_TIMER, ForkJoinPool.commonPool());
	}

	/**
	 * Waits with the given timer and completion executor.
	 * @param codec reads answers
	 * @param timer times requests out; cancelled timeouts should leave its queue
	 * ({@link ScheduledThreadPoolExecutor#setRemoveOnCancelPolicy(boolean)})
	 * @param completions completes requests, and runs what callers chained without an
	 * executor of their own
	 */
	public PendingReplies(PayloadCodec codec, ScheduledThreadPoolExecutor timer, Executor completions) {
		this.codec = codec;
		this.timer = timer;
		this.completions = completions;
	}

	/**
	 * Waits for the answer of a request about to be published.
	 * @param <R> the answer's type
	 * @param correlationId the request's {@link EventHeaders#CORRELATION_ID}
	 * @param type the type the answer is read as
	 * @param timeout how long to wait
	 * @param topic the request's topic, for the timeout's message
	 * @return the answer, or a {@link TimeoutException} after the timeout
	 */
	public <R> CompletableFuture<R> expect(String correlationId, Class<R> type, Duration timeout, String topic) {
		CompletableFuture<R> answer = new CompletableFuture<>();
		this.waiting.put(correlationId, new Waiting(type, answer));
		ScheduledFuture<?> timing = this.timer.schedule(() -> completeExceptionally(correlationId,
				new TimeoutException("No answer within " + timeout + " to the request on topic '" + topic + "'")),
				timeout.toNanos(), TimeUnit.NANOSECONDS);
		// Forgotten however it completes, its timer with it: a caller may cancel it or
		// complete it itself.
		answer.whenComplete((value, failure) -> {
			this.waiting.remove(correlationId);
			timing.cancel(false);
		});
		return answer;
	}

	/**
	 * Where requests are completed: also where a transport reads the answers it brings,
	 * rather than on its own I/O thread.
	 * @return the completion executor
	 */
	public Executor completions() {
		return this.completions;
	}

	/**
	 * Stops waiting for an answer, as when the request could not be published.
	 * @param correlationId the request's correlation id
	 */
	public void forget(String correlationId) {
		this.waiting.remove(correlationId);
	}

	/**
	 * Completes a request with its answer.
	 * @param correlationId the request's correlation id
	 * @param reply the answer as JSON
	 * @return whether a request was waiting for it
	 */
	public boolean complete(String correlationId, String reply) {
		Waiting request = this.waiting.remove(correlationId);
		if (request == null) {
			return false;
		}
		this.completions.execute(() -> {
			try {
				request.answer().complete(request.type().cast(this.codec.read(reply, request.type())));
			}
			catch (RuntimeException ex) {
				request.answer().completeExceptionally(ex);
			}
		});
		return true;
	}

	/**
	 * Completes a request with a failure.
	 * @param correlationId the request's correlation id
	 * @param failure why no answer comes
	 * @return whether a request was waiting
	 */
	public boolean completeExceptionally(String correlationId, Throwable failure) {
		Waiting request = this.waiting.remove(correlationId);
		if (request == null) {
			return false;
		}
		this.completions.execute(() -> request.answer().completeExceptionally(failure));
		return true;
	}

	/**
	 * How many requests wait for an answer.
	 * @return the number
	 */
	public int size() {
		return this.waiting.size();
	}

	@Override
	public void answer(Event request, String reply) {
		complete(request.header(EventHeaders.CORRELATION_ID), reply);
	}

	@Override
	public void fail(Event request, String error) {
		completeExceptionally(request.header(EventHeaders.CORRELATION_ID), new EventHandlingException(error));
	}

	private static ScheduledThreadPoolExecutor timer() {
		ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, (task) -> {
			Thread thread = new Thread(task, "events-request-timeout");
			thread.setDaemon(true);
			return thread;
		});
		timer.setRemoveOnCancelPolicy(true);
		return timer;
	}

	@SuppressWarnings({ "rawtypes", "unchecked" })
	private record Waiting(Class type, CompletableFuture answer) {

	}

}
