package dev.scalability.events.redis;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.scalability.delivery.PayloadCodec;
import dev.scalability.events.Event;
import dev.scalability.events.EventHandlingException;
import dev.scalability.events.EventHeaders;
import dev.scalability.events.PendingReplies;
import dev.scalability.events.ReplyChannel;
import dev.scalability.redis.DedicatedConnections;
import dev.scalability.redis.GuardedRedis;
import dev.scalability.redis.RedisCallException;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Takes answers to the instance that asked: each instance listens on a pub/sub channel of
 * its own ({@link EventHeaders#REPLY_TO} names it), so no other instance sees its
 * answers. An answer to this instance's own request skips Redis. An answer nobody waits
 * for any more (timed out, answered already) is dropped; one that finds the requester
 * away is lost, and the request times out, as it would without any answer.
 */
final class RedisReplyChannel implements ReplyChannel {

	private static final Log logger = LogFactory.getLog(RedisReplyChannel.class);

	private final String instance;

	private final PendingReplies pending;

	private final PayloadCodec codec;

	private final GuardedRedis redis;

	private final EventStreams streams;

	private final DedicatedConnections connections;

	private StatefulRedisPubSubConnection<byte[], byte[]> subscription;

	private volatile boolean subscribed;

	private volatile boolean closed = true;

	/**
	 * The subscription attempt under way, or the last one: what requests wait for.
	 */
	private volatile CompletableFuture<Boolean> attempt = CompletableFuture.completedFuture(false);

	private volatile long attemptBegan = System.nanoTime();

	RedisReplyChannel(String instance, PendingReplies pending, PayloadCodec codec, GuardedRedis redis,
			EventStreams streams, DedicatedConnections connections) {
		this.instance = instance;
		this.pending = pending;
		this.codec = codec;
		this.redis = redis;
		this.streams = streams;
		this.connections = connections;
	}

	@Override
	public void answer(Event request, String reply) {
		send(request, new ReplyMessage(request.header(EventHeaders.CORRELATION_ID), reply, null));
	}

	@Override
	public void fail(Event request, String error) {
		send(request, new ReplyMessage(request.header(EventHeaders.CORRELATION_ID), null, error));
	}

	/**
	 * Lets {@link #listen()} subscribe again, after a start: requests made meanwhile wait
	 * for that first attempt (see {@link #awaitListening(Duration)}).
	 */
	synchronized void open() {
		this.closed = false;
		if (!this.subscribed && this.attempt.isDone()) {
			beginAttempt();
		}
	}

	/**
	 * Listens on this instance's channel, unless it does already or is closed: called by
	 * the bus's maintenance only, again until it succeeds, since Redis may be away at
	 * start-up. One caller at a time, so that an unreachable Redis costs one waiting
	 * thread however many requests are made. Lettuce subscribes again by itself after a
	 * reconnect.
	 */
	synchronized void listen() {
		if (this.subscribed || this.closed) {
			return;
		}
		CompletableFuture<Boolean> current = this.attempt.isDone() ? beginAttempt() : this.attempt;
		try {
			if (this.subscription == null) {
				this.subscription = this.connections.openPubSub();
				this.subscription.addListener(new RedisPubSubAdapter<>() {

					@Override
					public void message(byte[] channel, byte[] message) {
						// Read off the client's I/O thread, which every other reply waits for.
						String text = EventEntries.text(message);
						RedisReplyChannel.this.pending.completions().execute(() -> receive(text));
					}

				});
			}
			this.subscription.async()
				.subscribe(this.streams.replyChannel(this.instance))
				.get(this.redis.timeout().toMillis() * 5, TimeUnit.MILLISECONDS);
			this.subscribed = true;
		}
		catch (Exception ex) {
			if (ex instanceof InterruptedException) {
				Thread.currentThread().interrupt();
			}
			logger.debug("Not listening for answers to requests yet: " + ex.getMessage());
		}
		finally {
			current.complete(this.subscribed);
		}
	}

	/**
	 * Whether this instance listens for answers, waiting for the attempt under way no
	 * longer than given after it began: requests made right after a start find the
	 * channel subscribed, while requests made during an outage fail at once instead of
	 * each waiting (or starting an attempt of its own).
	 * @param within the longest wait after an attempt began
	 * @return whether answers can reach this instance
	 */
	boolean awaitListening(Duration within) {
		if (this.subscribed) {
			return true;
		}
		if (this.closed) {
			return false;
		}
		CompletableFuture<Boolean> current = this.attempt;
		long waitNanos = this.attemptBegan + within.toNanos() - System.nanoTime();
		if (!current.isDone() && waitNanos > 0) {
			try {
				current.get(waitNanos, TimeUnit.NANOSECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			catch (ExecutionException | TimeoutException ex) {
				// Not listening: answered below.
			}
		}
		return this.subscribed;
	}

	/**
	 * Stops listening until {@link #open()}: a stopped bus does not subscribe again.
	 */
	synchronized void close() {
		this.closed = true;
		this.subscribed = false;
		this.attempt.complete(false);
		if (this.subscription != null) {
			this.subscription.close();
			this.subscription = null;
		}
	}

	boolean isListening() {
		return this.subscribed;
	}

	private CompletableFuture<Boolean> beginAttempt() {
		this.attemptBegan = System.nanoTime();
		this.attempt = new CompletableFuture<>();
		return this.attempt;
	}

	private void send(Event request, ReplyMessage message) {
		String to = request.header(EventHeaders.REPLY_TO);
		if (to == null || message.correlationId() == null) {
			return;
		}
		if (to.equals(this.instance)) {
			receive(message);
			return;
		}
		try {
			byte[] channel = this.streams.replyChannel(to);
			byte[] body = EventEntries.bytes(this.codec.write(message));
			this.redis.call((commands) -> commands.publish(channel, body));
		}
		catch (RedisCallException ex) {
			logger.warn("The answer to request " + request.id() + " of topic '" + request.topic()
					+ "' could not be sent to instance " + to + ": " + ex.getMessage()
					+ "; the request times out there");
		}
	}

	private void receive(String text) {
		ReplyMessage message;
		try {
			message = (ReplyMessage) this.codec.read(text, ReplyMessage.class);
		}
		catch (RuntimeException ex) {
			logger.warn("Dropped an answer that is not one: " + ex.getMessage());
			return;
		}
		receive(message);
	}

	private void receive(ReplyMessage message) {
		boolean waited = (message.error() != null)
				? this.pending.completeExceptionally(message.correlationId(),
						new EventHandlingException(message.error()))
				: this.pending.complete(message.correlationId(), message.reply());
		if (!waited && logger.isDebugEnabled()) {
			logger.debug("Dropped an answer nobody waits for (any more): " + message.correlationId());
		}
	}

	/**
	 * An answer on its way: the answer's JSON, or the listener's last error.
	 *
	 * @param correlationId the request's correlation id
	 * @param reply the answer, or {@code null}
	 * @param error the error, or {@code null}
	 */
	record ReplyMessage(String correlationId, String reply, String error) {

	}

}
