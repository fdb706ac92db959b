package dev.scalability.redis;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;

import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Hands out the asynchronous commands of the application's Lettuce connection (shared,
 * multiplexed; standalone, Sentinel or Cluster alike), so that a caller can wait for an
 * answer no longer than it chooses, whatever the connection's own timeouts are.
 *
 * <p>Connecting happens on one background task at a time: a caller waits for it only until
 * its own deadline, and however many callers (requests, health checks) ask while Redis is
 * down or frozen, no more than one connection attempt, and one thread, is ever under way.
 */
public class RedisConnector {

	private final LettuceConnectionFactory connectionFactory;

	private final Executor connectExecutor;

	private final ReentrantLock lock = new ReentrantLock();

	private static final long FIRST_RESET_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(1);

	private static final long MAX_RESET_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(60);

	private volatile Connected connected;

	private final AtomicLong nextResetAllowed = new AtomicLong(System.nanoTime());

	private volatile long resetBackoffNanos = FIRST_RESET_BACKOFF_NANOS;

	private CompletableFuture<Connected> connecting;

	/**
	 * Creates a connector.
	 * @param connectionFactory the application's connection factory
	 * @param connectExecutor runs connection attempts, one at a time
	 */
	public RedisConnector(LettuceConnectionFactory connectionFactory, Executor connectExecutor) {
		this.connectionFactory = connectionFactory;
		this.connectExecutor = connectExecutor;
	}

	/**
	 * The commands, connecting first when needed.
	 * @param deadline when to stop waiting for a connection, in {@link System#nanoTime()}
	 * @return the commands
	 * @throws TimeoutException when no connection is made by the deadline
	 * @throws ExecutionException when connecting failed
	 * @throws InterruptedException when interrupted while waiting
	 */
	public RedisClusterAsyncCommands<byte[], byte[]> commands(long deadline)
			throws TimeoutException, ExecutionException, InterruptedException {
		Connected current = this.connected;
		if (current != null) {
			return current.commands;
		}
		CompletableFuture<Connected> attempt = connecting();
		try {
			current = attempt.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
		}
		catch (ExecutionException ex) {
			forget(attempt);
			throw ex;
		}
		this.connected = current;
		return current.commands;
	}

	/**
	 * The commands, without waiting: completed when a connection is held, else when the
	 * connection attempt under way (one at a time) ends.
	 * @return the commands to come
	 */
	public CompletableFuture<RedisClusterAsyncCommands<byte[], byte[]>> commandsAsync() {
		Connected current = this.connected;
		if (current != null) {
			return CompletableFuture.completedFuture(current.commands);
		}
		CompletableFuture<Connected> attempt = connecting();
		return attempt.handle((connected, failure) -> {
			if (failure != null) {
				forget(attempt);
				throw (failure instanceof CompletionException completion) ? completion
						: new CompletionException(failure);
			}
			this.connected = connected;
			return connected.commands;
		});
	}

	/**
	 * Says the server answered well, so that a later {@link #serverChanged()} may reset the
	 * connection soon again.
	 */
	void serverAnswered() {
		if (this.resetBackoffNanos != FIRST_RESET_BACKOFF_NANOS) {
			this.resetBackoffNanos = FIRST_RESET_BACKOFF_NANOS;
		}
	}

	/**
	 * Whether a connection is held now.
	 * @return whether the last connection attempt succeeded and was not given up since
	 */
	public boolean isConnected() {
		return this.connected != null;
	}

	/**
	 * Gives up the connection after it failed in a way an error reply does not explain, so
	 * that the next call asks the factory again.
	 * @param commands the commands that failed; a newer connection is kept
	 */
	public void connectionBroken(RedisClusterAsyncCommands<byte[], byte[]> commands) {
		this.lock.lock();
		try {
			Connected current = this.connected;
			if (current == null || current.commands != commands) {
				return;
			}
			this.connected = null;
			this.connecting = null;
			try {
				// Closing gives a dedicated or pooled connection back; a shared one stays open
				// and reconnects by itself.
				current.connection.close();
			}
			catch (RuntimeException ex) {
				// Already broken: nothing to give back.
			}
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Starts over with a new connection after the server answered that it is no longer the
	 * one to write to ({@code READONLY} after a failover behind one DNS name): the
	 * application's shared connection is reset, so that the next connection resolves the
	 * name again. The shared connection serves the application's other Redis users too: a
	 * reset is tried at most once a second at first, then at most every 2, 4 ... 60 seconds
	 * while the server keeps answering so, and once a second again after it answers well.
	 */
	public void serverChanged() {
		long now = System.nanoTime();
		long allowed = this.nextResetAllowed.get();
		long backoff = this.resetBackoffNanos;
		if (now - allowed < 0 || !this.nextResetAllowed.compareAndSet(allowed, now + backoff)) {
			return;
		}
		this.resetBackoffNanos = Math.min(backoff * 2, MAX_RESET_BACKOFF_NANOS);
		Connected current = this.connected;
		if (current != null) {
			connectionBroken(current.commands);
		}
		this.connectionFactory.resetConnection();
	}

	private CompletableFuture<Connected> connecting() {
		this.lock.lock();
		try {
			if (this.connecting == null) {
				this.connecting = CompletableFuture.supplyAsync(this::connect, this.connectExecutor);
			}
			return this.connecting;
		}
		finally {
			this.lock.unlock();
		}
	}

	private void forget(CompletableFuture<Connected> attempt) {
		this.lock.lock();
		try {
			if (this.connecting == attempt) {
				this.connecting = null;
			}
		}
		finally {
			this.lock.unlock();
		}
	}

	@SuppressWarnings("unchecked")
	private Connected connect() {
		RedisConnection connection = this.connectionFactory.getConnection();
		return new Connected(connection, (RedisClusterAsyncCommands<byte[], byte[]>) connection.getNativeConnection());
	}

	private record Connected(RedisConnection connection, RedisClusterAsyncCommands<byte[], byte[]> commands) {
	}

}
