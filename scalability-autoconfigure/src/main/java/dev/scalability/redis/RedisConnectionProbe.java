package dev.scalability.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;

/**
 * Checks whether Redis answers a {@code PING}, and reads its memory settings, waiting no
 * longer than a bound whatever the client's own timeouts are, so that an endpoint asking
 * for the state never hangs on a dead server. Checks go through the asynchronous API of
 * the shared connection: no thread is started or held per check, so health polled every
 * second against a frozen Redis piles nothing up.
 */
public class RedisConnectionProbe {

	private final RedisConnector connector;

	private final long timeoutNanos;

	public RedisConnectionProbe(RedisConnector connector, Duration timeout) {
		this.connector = connector;
		this.timeoutNanos = timeout.toNanos();
	}

	/**
	 * Pings Redis once and reads {@code INFO memory}.
	 * @return the state seen
	 */
	public RedisConnectionState probe() {
		long start = System.nanoTime();
		long deadline = start + this.timeoutNanos;
		try {
			RedisClusterAsyncCommands<byte[], byte[]> commands = this.connector.commands(deadline);
			Future<String> info = commands.info("memory");
			await(commands.ping(), deadline);
			Duration latency = Duration.ofNanos(System.nanoTime() - start);
			return RedisConnectionState.up(latency, RedisMemory.parse(await(info, deadline)));
		}
		catch (TimeoutException ex) {
			return RedisConnectionState.down("no answer within " + TimeUnit.NANOSECONDS.toMillis(this.timeoutNanos)
					+ " ms");
		}
		catch (ExecutionException ex) {
			Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
			return RedisConnectionState.down(cause.getClass().getSimpleName() + ": " + cause.getMessage());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return RedisConnectionState.down("interrupted");
		}
		catch (RuntimeException ex) {
			return RedisConnectionState.down(ex.getClass().getSimpleName() + ": " + ex.getMessage());
		}
	}

	private static <T> T await(Future<T> future, long deadline)
			throws InterruptedException, ExecutionException, TimeoutException {
		try {
			return future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
		}
		catch (TimeoutException ex) {
			future.cancel(false);
			throw ex;
		}
	}

	static String text(Object reply) {
		return (reply instanceof byte[] bytes) ? new String(bytes, StandardCharsets.UTF_8) : String.valueOf(reply);
	}

}
