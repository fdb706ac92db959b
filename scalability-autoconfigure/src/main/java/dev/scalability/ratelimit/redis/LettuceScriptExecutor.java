package dev.scalability.ratelimit.redis;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisScriptingAsyncCommands;

import org.springframework.dao.QueryTimeoutException;
import org.springframework.data.redis.RedisConnectionFailureException;
import org.springframework.data.redis.RedisSystemException;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Runs scripts on the asynchronous commands of the application's Lettuce connection
 * (shared, multiplexed, standalone or cluster alike) and waits for the answer no longer
 * than its own timeout, whatever the connection's command timeout is. One deadline covers
 * the whole call: connecting, {@code EVALSHA} and, when the server does not know the
 * script, {@code EVAL}.
 */
public class LettuceScriptExecutor implements ScriptExecutor {

	private final LettuceConnectionFactory connectionFactory;

	private final long timeoutNanos;

	private final Executor connector;

	private volatile Connected connected;

	private volatile CompletableFuture<Connected> connecting;

	/**
	 * Creates an executor.
	 * @param connectionFactory the application's connection factory
	 * @param timeout the longest wait for an answer
	 * @param connector runs the connection attempts, so that a caller never waits for a
	 * connect timeout longer than {@code timeout}
	 */
	public LettuceScriptExecutor(LettuceConnectionFactory connectionFactory, Duration timeout, Executor connector) {
		this.connectionFactory = connectionFactory;
		this.timeoutNanos = timeout.toNanos();
		this.connector = connector;
	}

	@Override
	public List<Object> execute(LuaScript script, byte[] key, byte[][] args) {
		long deadline = System.nanoTime() + this.timeoutNanos;
		byte[][] keys = { key };
		try {
			RedisScriptingAsyncCommands<byte[], byte[]> commands = commands(deadline);
			try {
				return await(commands.evalsha(script.sha1(), ScriptOutputType.MULTI, keys, args), deadline);
			}
			catch (ExecutionException ex) {
				if (!LuaScript.isNoScript(ex)) {
					throw ex;
				}
				return await(commands.eval(script.source(), ScriptOutputType.MULTI, keys, args), deadline);
			}
		}
		catch (TimeoutException ex) {
			throw new QueryTimeoutException("Redis did not answer within " + this.timeoutNanos / 1_000_000 + " ms",
					ex);
		}
		catch (ExecutionException ex) {
			Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
			if (!(cause instanceof RedisCommandExecutionException)) {
				// Not an error reply (BUSY, CLUSTERDOWN, a script error) but a broken
				// connection: the next call asks the factory again.
				forgetConnection();
			}
			throw new RedisSystemException("Redis script failed: " + cause.getMessage(), cause);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new RedisConnectionFailureException("interrupted while waiting for Redis", ex);
		}
	}

	private static <T> T await(Future<T> future, long deadline)
			throws InterruptedException, ExecutionException, TimeoutException {
		try {
			return future.get(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
		}
		catch (TimeoutException ex) {
			future.cancel(false);
			throw ex;
		}
	}

	private RedisScriptingAsyncCommands<byte[], byte[]> commands(long deadline)
			throws InterruptedException, ExecutionException, TimeoutException {
		Connected connected = this.connected;
		if (connected != null) {
			return connected.commands;
		}
		CompletableFuture<Connected> connecting = connecting();
		try {
			connected = connecting.get(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
		}
		catch (ExecutionException ex) {
			forgetConnection();
			throw ex;
		}
		this.connected = connected;
		return connected.commands;
	}

	private synchronized CompletableFuture<Connected> connecting() {
		if (this.connecting == null) {
			// The shared native connection lives as long as the factory and reconnects by
			// itself: it is fetched once, not on every call.
			this.connecting = CompletableFuture.supplyAsync(this::connect, this.connector);
		}
		return this.connecting;
	}

	@SuppressWarnings("unchecked")
	private Connected connect() {
		RedisConnection connection = this.connectionFactory.getConnection();
		return new Connected(connection, (RedisScriptingAsyncCommands<byte[], byte[]>) connection.getNativeConnection());
	}

	private synchronized void forgetConnection() {
		Connected forgotten = this.connected;
		this.connected = null;
		this.connecting = null;
		if (forgotten != null) {
			// Closing gives a dedicated or pooled connection back; a shared one stays open.
			try {
				forgotten.connection.close();
			}
			catch (RuntimeException ex) {
				// Already broken: nothing to give back.
			}
		}
	}

	private record Connected(RedisConnection connection, RedisScriptingAsyncCommands<byte[], byte[]> commands) {
	}

}
