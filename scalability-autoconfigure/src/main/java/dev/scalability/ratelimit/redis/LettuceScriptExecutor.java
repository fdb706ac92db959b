package dev.scalability.ratelimit.redis;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.lettuce.core.RedisFuture;
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
 * than its own timeout, whatever the connection's command timeout is.
 */
public class LettuceScriptExecutor implements ScriptExecutor {

	private final LettuceConnectionFactory connectionFactory;

	private final long timeoutNanos;

	private final Executor connector;

	private volatile RedisScriptingAsyncCommands<byte[], byte[]> commands;

	private volatile CompletableFuture<RedisScriptingAsyncCommands<byte[], byte[]>> connecting;

	/**
	 * Creates an executor.
	 * @param connectionFactory the application's connection factory
	 * @param timeout the longest wait for an answer
	 * @param connector runs the first connection attempt, so that a caller never waits
	 * for a connect timeout longer than {@code timeout}
	 */
	public LettuceScriptExecutor(LettuceConnectionFactory connectionFactory, Duration timeout, Executor connector) {
		this.connectionFactory = connectionFactory;
		this.timeoutNanos = timeout.toNanos();
		this.connector = connector;
	}

	@Override
	public List<Object> execute(LuaScript script, byte[] key, byte[][] args) {
		byte[][] keys = { key };
		try {
			RedisScriptingAsyncCommands<byte[], byte[]> commands = commands();
			try {
				return await(commands.evalsha(script.sha1(), ScriptOutputType.MULTI, keys, args));
			}
			catch (ExecutionException ex) {
				if (!LuaScript.isNoScript(ex)) {
					throw ex;
				}
				return await(commands.eval(script.source(), ScriptOutputType.MULTI, keys, args));
			}
		}
		catch (TimeoutException ex) {
			throw new QueryTimeoutException("Redis did not answer within " + this.timeoutNanos / 1_000_000 + " ms",
					ex);
		}
		catch (ExecutionException ex) {
			forgetConnection();
			throw new RedisSystemException("Redis script failed: " + ex.getCause().getMessage(), ex.getCause());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new RedisConnectionFailureException("interrupted while waiting for Redis", ex);
		}
	}

	private synchronized void forgetConnection() {
		this.commands = null;
		this.connecting = null;
	}

	private List<Object> await(RedisFuture<List<Object>> future)
			throws InterruptedException, ExecutionException, TimeoutException {
		try {
			return future.get(this.timeoutNanos, TimeUnit.NANOSECONDS);
		}
		catch (TimeoutException ex) {
			future.cancel(false);
			throw ex;
		}
	}

	private RedisScriptingAsyncCommands<byte[], byte[]> commands()
			throws InterruptedException, ExecutionException, TimeoutException {
		RedisScriptingAsyncCommands<byte[], byte[]> commands = this.commands;
		if (commands != null) {
			return commands;
		}
		CompletableFuture<RedisScriptingAsyncCommands<byte[], byte[]>> connecting = connecting();
		try {
			commands = connecting.get(this.timeoutNanos, TimeUnit.NANOSECONDS);
		}
		catch (ExecutionException ex) {
			this.connecting = null;
			throw ex;
		}
		this.commands = commands;
		return commands;
	}

	private synchronized CompletableFuture<RedisScriptingAsyncCommands<byte[], byte[]>> connecting() {
		if (this.connecting == null) {
			// The shared native connection lives as long as the factory and reconnects by
			// itself: it is fetched once, not on every call.
			this.connecting = CompletableFuture.supplyAsync(this::connect, this.connector);
		}
		return this.connecting;
	}

	@SuppressWarnings("unchecked")
	private RedisScriptingAsyncCommands<byte[], byte[]> connect() {
		RedisConnection connection = this.connectionFactory.getConnection();
		return (RedisScriptingAsyncCommands<byte[], byte[]>) connection.getNativeConnection();
	}

}
