package dev.scalability.events;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import dev.scalability.delivery.DeadLetter;
import dev.scalability.delivery.FailureDescription;
import dev.scalability.delivery.HandlingOutcome;
import dev.scalability.delivery.PayloadCodec;
import dev.scalability.delivery.RetryPolicy;
import dev.scalability.time.MonotonicClock;

/**
 * Hands one event to one listener and says what follows, the same way on every backend:
 * success is acknowledged (and answers a request), a failure is retried after a backoff
 * until the tries are spent, then the event is a dead letter of the group and a waiting
 * request learns the error. Whatever the handler does, no exception leaves here.
 */
public final class EventDispatcher {

	private final RetryPolicy retryPolicy;

	private final PayloadCodec codec;

	private final ReplyChannel replies;

	private final EventBusObserver observer;

	private final EventTracing tracing;

	private final MonotonicClock clock;

	public EventDispatcher(RetryPolicy retryPolicy, PayloadCodec codec, ReplyChannel replies,
			EventBusObserver observer, EventTracing tracing, MonotonicClock clock) {
		this.retryPolicy = retryPolicy;
		this.codec = codec;
		this.replies = replies;
		this.observer = observer;
		this.tracing = tracing;
		this.clock = clock;
	}

	/**
	 * Hands an event to a listener.
	 * @param subscription the listener
	 * @param event the event
	 * @param attempt which try this is, from 1
	 * @return what follows
	 */
	public DeliveryVerdict deliver(Subscription subscription, Event event, int attempt) {
		long start = System.nanoTime();
		HandlingOutcome outcome = handle(subscription, event);
		long took = System.nanoTime() - start;
		DeliveryVerdict verdict = decide(subscription, event, attempt, outcome);
		this.observer.handled(subscription.topic(), subscription.group(), verdict.kind(), took);
		return verdict;
	}

	/**
	 * Gives up on an event without handing it to its listener: it was delivered more
	 * often than its tries allow, though no try ever said it failed, so the consumers it
	 * went to most likely died handling it (a crash, the process killed for its memory).
	 * Handing it over again would only take down the next one.
	 * @param subscription the listener
	 * @param event the event
	 * @param deliveries how often it was delivered, this time included
	 * @return the dead letter's verdict
	 */
	public DeliveryVerdict abandon(Subscription subscription, Event event, int deliveries) {
		IllegalStateException failure = new IllegalStateException("Event " + event.id() + " exceeded max attempts ("
				+ deliveries + " deliveries, " + this.retryPolicy.maxAttempts()
				+ " allowed): its consumers likely died handling it");
		DeliveryVerdict verdict = decide(subscription, event, deliveries, HandlingOutcome.permanentFailure(failure));
		this.observer.handled(subscription.topic(), subscription.group(), verdict.kind(), 0);
		return verdict;
	}

	public RetryPolicy retryPolicy() {
		return this.retryPolicy;
	}

	private HandlingOutcome handle(Subscription subscription, Event event) {
		try {
			return this.tracing.handle(subscription, event, () -> subscription.handler().handle(event));
		}
		catch (Throwable ex) {
			// A handler that breaks its contract must not take its worker down with it.
			return HandlingOutcome.failure(ex);
		}
	}

	private DeliveryVerdict decide(Subscription subscription, Event event, int attempt, HandlingOutcome outcome) {
		if (outcome.succeeded()) {
			answer(event, outcome.result());
			return DeliveryVerdict.acknowledge();
		}
		Optional<Duration> retryAfter = this.retryPolicy.retryAfter(attempt, outcome);
		if (retryAfter.isPresent()) {
			return DeliveryVerdict.retry(retryAfter.get());
		}
		DeadLetter deadLetter = DeadLetter.of(event.id(), event.topic(), subscription.group(), attempt,
				outcome.failure(), Instant.ofEpochMilli(this.clock.nanos() / 1_000_000));
		if (isRequest(event)) {
			this.replies.fail(event, deadLetter.error());
		}
		return DeliveryVerdict.deadLetter(deadLetter);
	}

	private void answer(Event event, Object result) {
		if (result == null || !isRequest(event)) {
			return;
		}
		String reply;
		try {
			reply = this.codec.write(result);
		}
		catch (RuntimeException ex) {
			// The handler did its work: retrying it for an answer it cannot write would repeat it.
			this.replies.fail(event, FailureDescription.of(ex));
			return;
		}
		this.replies.answer(event, reply);
	}

	private static boolean isRequest(Event event) {
		return event.header(EventHeaders.CORRELATION_ID) != null;
	}

}
