package dev.scalability.events;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.scalability.delivery.PayloadCodec;

/**
 * The requests of this instance that wait for an answer, by correlation id. Answers that
 * come after the timeout, or twice, find nothing and are dropped: the first answer wins.
 */
public final class PendingReplies implements ReplyChannel {

	private final PayloadCodec codec;

	private final Map<String, Waiting> waiting = new ConcurrentHashMap<>();

	public PendingReplies(PayloadCodec codec) {
		this.codec = codec;
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
		// Forgotten however it completes: a caller may cancel it or complete it itself.
		answer.whenComplete((value, failure) -> this.waiting.remove(correlationId));
		// Runs on the JDK's delay thread itself: a timeout completes without a pool thread.
		CompletableFuture.delayedExecutor(timeout.toNanos(), TimeUnit.NANOSECONDS, Runnable::run)
			.execute(() -> completeExceptionally(correlationId,
					new TimeoutException("No answer within " + timeout + " to the request on topic '" + topic + "'")));
		return answer;
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
		try {
			request.answer().complete(request.type().cast(this.codec.read(reply, request.type())));
		}
		catch (RuntimeException ex) {
			request.answer().completeExceptionally(ex);
		}
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
		return request != null && request.answer().completeExceptionally(failure);
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

	@SuppressWarnings({ "rawtypes", "unchecked" })
	private record Waiting(Class type, CompletableFuture answer) {

	}

}
