package dev.scalability.redis;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * Checks whether Redis answers a {@code PING}, waiting no longer than a bound whatever
 * the client's own connect and command timeouts are, so that an endpoint asking for the
 * state never hangs on a dead server.
 */
public class RedisConnectionProbe {

	private final RedisConnectionFactory connectionFactory;

	private final Duration timeout;

	private final Executor executor;

	public RedisConnectionProbe(RedisConnectionFactory connectionFactory, Duration timeout, Executor executor) {
		this.connectionFactory = connectionFactory;
		this.timeout = timeout;
		this.executor = executor;
	}

	/**
	 * Pings Redis once.
	 * @return the state seen
	 */
	public RedisConnectionState probe() {
		long start = System.nanoTime();
		CompletableFuture<String> ping = CompletableFuture.supplyAsync(this::ping, this.executor);
		try {
			ping.get(this.timeout.toNanos(), TimeUnit.NANOSECONDS);
			return RedisConnectionState.up(Duration.ofNanos(System.nanoTime() - start));
		}
		catch (TimeoutException ex) {
			ping.cancel(true);
			return RedisConnectionState.down("no answer within " + this.timeout.toMillis() + " ms");
		}
		catch (ExecutionException ex) {
			Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
			return RedisConnectionState.down(cause.getClass().getSimpleName() + ": " + cause.getMessage());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return RedisConnectionState.down("interrupted");
		}
	}

	private String ping() {
		try (RedisConnection connection = this.connectionFactory.getConnection()) {
			return connection.ping();
		}
	}

}
