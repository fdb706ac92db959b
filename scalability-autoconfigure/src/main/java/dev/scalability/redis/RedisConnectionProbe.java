package dev.scalability.redis;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;

import io.lettuce.core.RedisFuture;

/**
 * Checks whether Redis answers a {@code PING}, and reads its memory settings, for health
 * and endpoints, which must answer fast whatever Redis does: a readiness probe that hangs
 * on a frozen Redis would take every instance out of rotation at once.
 *
 * <p>Checks run in the background, on the asynchronous API of the shared connection, one
 * at a time, each bounded by its timeout; no thread is started or held per check. A
 * caller gets the last state seen when it is recent, else waits for a fresh one at most
 * {@code maxWait}, and otherwise gets the last state seen, marked stale, or DOWN when
 * there is none yet. {@code INFO} is optional: a Redis whose ACL forbids it is still UP,
 * its memory unknown.
 */
public class RedisConnectionProbe {

	private static final long FRESH_NANOS = TimeUnit.SECONDS.toNanos(1);

	private final RedisConnector connector;

	private final long timeoutNanos;

	private final long maxWaitNanos;

	private final ReentrantLock lock = new ReentrantLock();

	private volatile Seen last;

	private CompletableFuture<RedisConnectionState> checking;

	/**
	 * Creates a probe.
	 * @param connector the connection
	 * @param timeout the longest one check waits for Redis, in the background
	 * @param maxWait the longest a caller waits for a fresh state
	 */
	public RedisConnectionProbe(RedisConnector connector, Duration timeout, Duration maxWait) {
		this.connector = connector;
		this.timeoutNanos = timeout.toNanos();
		this.maxWaitNanos = maxWait.toNanos();
	}

	/**
	 * The state of Redis: recent, or as fresh as {@code maxWait} allows.
	 * @return the state
	 */
	public RedisConnectionState probe() {
		Seen seen = this.last;
		if (seen != null && System.nanoTime() - seen.at < FRESH_NANOS) {
			return seen.state;
		}
		CompletableFuture<RedisConnectionState> check = check();
		try {
			return check.get(this.maxWaitNanos, TimeUnit.NANOSECONDS);
		}
		catch (TimeoutException ex) {
			return (seen != null) ? seen.state.asStale()
					: RedisConnectionState.down("no answer yet, still checking");
		}
		catch (ExecutionException ex) {
			return RedisConnectionState.down(String.valueOf(ex.getCause()));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return RedisConnectionState.down("interrupted");
		}
	}

	private CompletableFuture<RedisConnectionState> check() {
		this.lock.lock();
		try {
			CompletableFuture<RedisConnectionState> underWay = this.checking;
			if (underWay == null) {
				long start = System.nanoTime();
				List<Future<?>> sent = new CopyOnWriteArrayList<>();
				CompletableFuture<RedisConnectionState> check = this.connector.commandsAsync()
					.thenCompose((commands) -> {
						RedisFuture<String> info = commands.info("memory");
						RedisFuture<String> ping = commands.ping();
						sent.add(info);
						sent.add(ping);
						CompletableFuture<RedisMemory> memory = info.toCompletableFuture()
							.thenApply(RedisMemory::parse)
							.exceptionally((failure) -> null);
						return ping.toCompletableFuture()
							.thenApply((pong) -> Duration.ofNanos(System.nanoTime() - start))
							.thenCombine(memory, RedisConnectionState::up);
					})
					.orTimeout(this.timeoutNanos, TimeUnit.NANOSECONDS)
					.whenComplete((state, failure) -> {
						if (failure != null) {
							// Unanswered checks must not pile up in the client while Redis is gone.
							sent.forEach((command) -> command.cancel(false));
						}
					})
					.exceptionally(RedisConnectionProbe::down);
				this.checking = check;
				underWay = check;
				check.whenComplete((state, failure) -> {
					this.last = new Seen(state, System.nanoTime());
					this.lock.lock();
					try {
						if (this.checking == check) {
							this.checking = null;
						}
					}
					finally {
						this.lock.unlock();
					}
				});
			}
			return underWay;
		}
		finally {
			this.lock.unlock();
		}
	}

	private static RedisConnectionState down(Throwable failure) {
		Throwable cause = (failure instanceof CompletionException && failure.getCause() != null)
				? failure.getCause() : failure;
		if (cause instanceof TimeoutException) {
			return RedisConnectionState.down("no answer in time");
		}
		return RedisConnectionState.down(cause.getClass().getSimpleName() + ": " + cause.getMessage());
	}

	private record Seen(RedisConnectionState state, long at) {
	}

}
