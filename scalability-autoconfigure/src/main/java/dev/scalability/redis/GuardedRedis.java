package dev.scalability.redis;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.lettuce.core.ScriptOutputType;
import dev.scalability.time.PauseDetector;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;

/**
 * Every Redis call of a feature, bounded and guarded the same way: one deadline covers the
 * whole call (connecting, sending, and for scripts {@code EVALSHA} then {@code EVAL} when
 * the server does not know the script), never later than what is left of the feature's
 * {@link RedisTimeBudget} on this thread; and a Resilience4j circuit breaker stops calls
 * altogether while Redis keeps failing, so that no caller waits for a dead server.
 *
 * <p>The breaker judges Redis: timeouts, broken connections and replies such as
 * {@code CLUSTERDOWN} or {@code BUSY} count against it; an {@code OOM} reply or a script
 * error does not (Redis answered), and neither does a timeout while this JVM itself was
 * paused (a garbage collection, a cold JVM with more runnable threads than cores, as when
 * a fresh instance is flooded the moment it is ready): the answer may have arrived and not
 * been read yet. Such a call still gives up at its deadline. Outcomes are reported to the
 * breaker from the first failure on, for 30 seconds after the last one: its window then
 * holds the calls around the failures, and a healthy Redis costs no bookkeeping per call.
 * Failures reach the breaker only once they have lasted a grace period from the first one
 * after a quiet spell: a second of slowness under a flood is not an outage, while a Redis
 * that stays down opens the breaker a moment later.
 */
public class GuardedRedis {

	private static final long WATCH_AFTER_FAILURE_NANOS = TimeUnit.SECONDS.toNanos(30);

	private static final ThreadLocal<Boolean> WARMING = new ThreadLocal<>();

	private static final long ANSWER_RESOLUTION_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

	private static final int BACKGROUND_CALLS = 512;

	/**
	 * Asynchronous calls under way at once, at most: beyond it a caller faster than Redis
	 * waits rather than fill the client's queue, and no call waits in that queue long
	 * enough to time out there.
	 */
	private static final int ASYNCHRONOUS_CALLS = 1_024;

	private final RedisConnector connector;

	private final long timeoutNanos;

	private final CircuitBreaker circuitBreaker;

	private final PauseDetector pauses;

	private final RedisTimeBudget budget;

	private final long graceNanos;

	/**
	 * When the failures under way began, in {@link System#nanoTime()}.
	 */
	private volatile long failingSince;

	/**
	 * A wait that overran by this much, or during which the JVM paused this long, timed out
	 * because of this JVM, not of Redis.
	 */
	private final long localPauseNanos;

	/**
	 * Timeouts are put down to this JVM's pauses only while Redis answered a call within
	 * this long: twenty timeouts, at least a second.
	 */
	private final long answeredRecentlyNanos;

	/**
	 * Until when successes are reported to the breaker, in {@link System#nanoTime()}.
	 */
	private final AtomicLong watchUntil = new AtomicLong(System.nanoTime());

	/**
	 * When Redis last answered a call, in {@link System#nanoTime()}, to a tenth of a second.
	 */
	private volatile long lastAnswer = System.nanoTime();

	private final RecentOutcomes outcomes = new RecentOutcomes();

	/**
	 * A successful call is charged to the request's budget only for what it took beyond
	 * this: many quick calls never spend it, a slow Redis does.
	 */
	private final long healthyNanos;

	/**
	 * Calls sent in the background at once, at most.
	 */
	private final Semaphore inBackground = new Semaphore(BACKGROUND_CALLS);

	private final Semaphore asynchronous = new Semaphore(ASYNCHRONOUS_CALLS);

	/**
	 * Creates a guard.
	 * @param connector the connection
	 * @param timeout the longest one call waits
	 * @param circuitBreaker the breaker, or {@code null} for calls that are only bounded
	 */
	public GuardedRedis(RedisConnector connector, Duration timeout, CircuitBreaker circuitBreaker) {
		this(connector, timeout, circuitBreaker, (circuitBreaker != null) ? PauseDetector.jvm() : (since) -> 0,
				null, Duration.ZERO);
	}

	/**
	 * Creates a guard.
	 * @param connector the connection
	 * @param timeout the longest one call waits
	 * @param circuitBreaker the breaker, or {@code null} for calls that are only bounded
	 * @param pauses tells timeouts caused by this JVM from those caused by Redis
	 * @param budget the feature's budget per unit of work, or {@code null} for none
	 * @param grace how long failures must last, from the first after a quiet spell, before
	 * the breaker hears of them: a blip is not an outage
	 */
	public GuardedRedis(RedisConnector connector, Duration timeout, CircuitBreaker circuitBreaker,
			PauseDetector pauses, RedisTimeBudget budget, Duration grace) {
		this.connector = connector;
		this.timeoutNanos = timeout.toNanos();
		this.circuitBreaker = circuitBreaker;
		this.pauses = pauses;
		this.budget = budget;
		this.graceNanos = grace.toNanos();
		this.localPauseNanos = Math.max(TimeUnit.MILLISECONDS.toNanos(20), this.timeoutNanos / 4);
		this.answeredRecentlyNanos = Math.max(TimeUnit.SECONDS.toNanos(1), this.timeoutNanos * 20);
		this.healthyNanos = this.timeoutNanos / 10;
	}

	/**
	 * Sends one command and waits for its answer.
	 * @param <T> the type of the answer
	 * @param command the command
	 * @return the answer
	 * @throws RedisCallException when there is no answer to use
	 */
	public <T> T call(RedisCommand<T> command) {
		return guarded((commands, deadline) -> await(command.send(commands), deadline));
	}

	/**
	 * Sends one command without waiting for its answer, guarded as {@link #call} is: asked
	 * of the breaker and reported to it, bounded by the timeout. Commands sent this way
	 * from one thread travel to Redis back to back (pipelining) instead of one round trip
	 * each. At most 1,024 are under way at once: beyond that the caller waits for a place,
	 * up to the timeout. A command stays under way until the client is done with it, even
	 * after its caller was told it timed out, so that a frozen Redis cannot make the
	 * client's queue grow without bound; one that timed out before it could be sent (no
	 * connection yet) is never sent.
	 * @param <T> the type of the answer
	 * @param command the command
	 * @return the answer to come; failed with a {@link RedisCallException} when there is
	 * none to use ({@link RedisCallException.Reason#BUDGET_SPENT} when no place came free
	 * in time: nothing was sent)
	 */
	public <T> CompletableFuture<T> callAsync(RedisCommand<T> command) {
		try {
			if (!this.asynchronous.tryAcquire(this.timeoutNanos, TimeUnit.NANOSECONDS)) {
				return CompletableFuture.failedFuture(new RedisCallException(RedisCallException.Reason.BUDGET_SPENT,
						ASYNCHRONOUS_CALLS + " asynchronous calls were under way for the whole timeout", null));
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return CompletableFuture.failedFuture(new RedisCallException(RedisCallException.Reason.UNAVAILABLE,
					"interrupted while waiting to send to Redis", ex));
		}
		CircuitBreaker circuitBreaker = (WARMING.get() == null) ? this.circuitBreaker : null;
		if (circuitBreaker != null && !circuitBreaker.tryAcquirePermission()) {
			this.asynchronous.release();
			return CompletableFuture.failedFuture(new RedisCallException(RedisCallException.Reason.CIRCUIT_OPEN,
					"circuit breaker '" + circuitBreaker.getName() + "' holds calls back after Redis failed", null));
		}
		long start = System.nanoTime();
		AsyncCall<T> call = new AsyncCall<T>().of(command);
		CompletableFuture<RedisClusterAsyncCommands<byte[], byte[]>> connection;
		try {
			connection = this.connector.commandsAsync();
		}
		catch (RuntimeException ex) {
			connection = CompletableFuture.failedFuture(ex);
		}
		CompletableFuture<T> answer = connection.thenCompose(call::send).orTimeout(this.timeoutNanos, TimeUnit.NANOSECONDS);
		return answer.handle((result, failure) -> {
			if (!call.sent()) {
				this.asynchronous.release();
			}
			if (failure == null) {
				succeeded(circuitBreaker, start);
				return result;
			}
			Throwable cause = (failure instanceof CompletionException && failure.getCause() != null)
					? failure.getCause() : failure;
			if (cause instanceof TimeoutException) {
				RedisCallException timedOut = new RedisCallException(RedisCallException.Reason.TIMEOUT,
						"Redis did not answer within " + TimeUnit.NANOSECONDS.toMillis(this.timeoutNanos) + " ms",
						cause);
				this.outcomes.timedOut(System.nanoTime());
				if (pausedLocally(start, start + this.timeoutNanos)) {
					released(circuitBreaker);
				}
				else {
					failed(circuitBreaker, start, timedOut);
				}
				throw timedOut;
			}
			throw failure(circuitBreaker, cause, call.connection(), start);
		});
	}

	/**
	 * One asynchronous command: sent at most once, and never after its caller gave up on it.
	 */
	private final class AsyncCall<T> {

		private static final int WAITING = 0;

		private static final int SENT = 1;

		private static final int ABANDONED = 2;

		private final AtomicInteger state = new AtomicInteger(WAITING);

		private volatile RedisClusterAsyncCommands<byte[], byte[]> connection;

		private RedisCommand<T> command;

		AsyncCall<T> of(RedisCommand<T> command) {
			this.command = command;
			return this;
		}

		CompletableFuture<T> send(RedisClusterAsyncCommands<byte[], byte[]> commands) {
			if (!this.state.compareAndSet(WAITING, SENT)) {
				return CompletableFuture.failedFuture(new TimeoutException("given up before it was sent"));
			}
			this.connection = commands;
			CompletableFuture<T> reply;
			try {
				reply = toCompletableFuture(this.command.send(commands));
			}
			catch (RuntimeException ex) {
				GuardedRedis.this.asynchronous.release();
				return CompletableFuture.failedFuture(ex);
			}
			// The place is given back when the client is done with the command, not before.
			reply.whenComplete((answer, failure) -> GuardedRedis.this.asynchronous.release());
			return reply;
		}

		/**
		 * Whether the command went to the client; else it never will.
		 */
		boolean sent() {
			return !this.state.compareAndSet(WAITING, ABANDONED) && this.state.get() == SENT;
		}

		RedisClusterAsyncCommands<byte[], byte[]> connection() {
			return this.connection;
		}

	}

	/**
	 * Runs a script: {@code EVALSHA}, and {@code EVAL} within the same deadline when the
	 * server does not know the script (after a restart or a failover).
	 * @param script the script
	 * @param keys its keys, all in one hash slot
	 * @param args its arguments
	 * @return its array reply, integers as {@link Long}
	 * @throws RedisCallException when there is no answer to use
	 */
	public List<Object> script(LuaScript script, byte[][] keys, byte[]... args) {
		return guarded((commands, deadline) -> {
			try {
				return await(commands.<List<Object>>evalsha(script.sha1(), ScriptOutputType.MULTI, keys, args),
						deadline);
			}
			catch (ExecutionException ex) {
				if (!LuaScript.isNoScript(ex)) {
					throw ex;
				}
				return await(commands.<List<Object>>eval(script.source(), ScriptOutputType.MULTI, keys, args),
						deadline);
			}
		});
	}

	/**
	 * Runs a script without waiting for its answer, guarded as {@link #callAsync} is:
	 * {@code EVALSHA}, and {@code EVAL} when the server does not know the script. Scripts
	 * sent this way travel to Redis back to back (pipelining).
	 * @param script the script
	 * @param keys its keys, all in one hash slot
	 * @param args its arguments
	 * @return its array reply to come, integers as {@link Long}; failed with a
	 * {@link RedisCallException} when there is none to use
	 */
	public CompletableFuture<List<Object>> scriptAsync(LuaScript script, byte[][] keys, byte[]... args) {
		// The EVAL goes out on the EVALSHA's place, from the client's I/O thread that hears of
		// the NOSCRIPT: nothing there may wait for a place.
		return this.<List<Object>>callAsync((commands) -> commands
			.<List<Object>>evalsha(script.sha1(), ScriptOutputType.MULTI, keys, args)
			.toCompletableFuture()
			.exceptionallyCompose((failure) -> LuaScript.isNoScript(failure)
					? commands.<List<Object>>eval(script.source(), ScriptOutputType.MULTI, keys, args)
						.toCompletableFuture()
					: CompletableFuture.failedFuture(failure)));
	}

	/**
	 * Runs a script without waiting for it, for work that no caller waits on (giving back
	 * permits after a response): bounded by the timeout, at most 512 under way at once, and
	 * outside the breaker, which it neither asks nor informs; while the breaker holds calls
	 * back, nothing is sent.
	 * @param script the script
	 * @param keys its keys, all in one hash slot
	 * @param args its arguments
	 * @return the reply to come; failed with a {@link RedisCallException} when nothing was
	 * sent ({@link RedisCallException.Reason#CIRCUIT_OPEN}, or
	 * {@link RedisCallException.Reason#BUDGET_SPENT} when too many are under way)
	 */
	public CompletableFuture<List<Object>> scriptInBackground(LuaScript script, byte[][] keys, byte[]... args) {
		if (isHeldBack()) {
			return CompletableFuture.failedFuture(new RedisCallException(RedisCallException.Reason.CIRCUIT_OPEN,
					"the breaker holds calls back", null));
		}
		if (!this.inBackground.tryAcquire()) {
			return CompletableFuture.failedFuture(new RedisCallException(RedisCallException.Reason.BUDGET_SPENT,
					BACKGROUND_CALLS + " background calls are under way already", null));
		}
		CompletableFuture<List<Object>> reply = this.connector.commandsAsync()
			.thenCompose((commands) -> commands
				.<List<Object>>evalsha(script.sha1(), ScriptOutputType.MULTI, keys, args)
				.toCompletableFuture()
				.exceptionallyCompose((failure) -> LuaScript.isNoScript(failure)
						? commands.<List<Object>>eval(script.source(), ScriptOutputType.MULTI, keys, args)
							.toCompletableFuture()
						: CompletableFuture.failedFuture(failure)))
			.orTimeout(this.timeoutNanos, TimeUnit.NANOSECONDS);
		reply.whenComplete((result, failure) -> this.inBackground.release());
		return reply;
	}

	/**
	 * Connects and loads scripts ahead of the first call, so that the first requests of a
	 * fresh instance pay neither; outside the breaker, since slowness at start-up says
	 * nothing of Redis.
	 * @param scripts the scripts to load
	 * @param within how long to try
	 * @return whether the connection is up and every script loaded
	 */
	public boolean warmUp(Collection<LuaScript> scripts, Duration within) {
		long deadline = System.nanoTime() + within.toNanos();
		try {
			RedisClusterAsyncCommands<byte[], byte[]> commands = this.connector.commands(deadline);
			for (LuaScript script : scripts) {
				await(commands.scriptLoad(script.source()), deadline);
			}
			return true;
		}
		catch (TimeoutException | ExecutionException ex) {
			return false;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	/**
	 * Runs calls that prepare this instance before it takes traffic (such as exercising a
	 * feature's path until the JIT has compiled it), bounded as always but outside the
	 * breaker: slowness at start-up says nothing of Redis.
	 * @param <T> the type of the result
	 * @param work the calls
	 * @return what the work returns
	 */
	public <T> T warming(Supplier<T> work) {
		return outsideBreaker(work);
	}

	/**
	 * Runs upkeep calls that must go on while the breaker holds the feature's other calls
	 * back, such as renewing the leases of work in progress: work that already runs would
	 * otherwise be given to another instance and run twice. Bounded by the timeout as
	 * always; the breaker is neither asked nor told.
	 * @param <T> the type of the result
	 * @param work the calls
	 * @return what the work returns
	 */
	public <T> T outsideBreaker(Supplier<T> work) {
		Boolean outer = WARMING.get();
		WARMING.set(Boolean.TRUE);
		try {
			return work.get();
		}
		finally {
			if (outer == null) {
				WARMING.remove();
			}
		}
	}

	/**
	 * The breaker of this guard.
	 * @return the breaker, or {@code null} when calls are only bounded
	 */
	public CircuitBreaker circuitBreaker() {
		return this.circuitBreaker;
	}

	/**
	 * Whether calls are held back now: the breaker is not closed.
	 * @return whether the breaker is open or half open
	 */
	public boolean isHeldBack() {
		return this.circuitBreaker != null && this.circuitBreaker.getState() != CircuitBreaker.State.CLOSED;
	}

	public Duration timeout() {
		return Duration.ofNanos(this.timeoutNanos);
	}

	public RedisConnector connector() {
		return this.connector;
	}

	/**
	 * The feature's budget per unit of work.
	 * @return the budget, or {@code null} when calls are bounded one by one only
	 */
	public RedisTimeBudget budget() {
		return this.budget;
	}

	private <T> T guarded(Attempt<T> attempt) {
		long budget = (this.budget != null) ? this.budget.remainingNanos() : Long.MAX_VALUE;
		if (budget <= 0) {
			throw new RedisCallException(RedisCallException.Reason.BUDGET_SPENT,
					"this request already waited its whole Redis time budget", null);
		}
		CircuitBreaker circuitBreaker = (WARMING.get() == null) ? this.circuitBreaker : null;
		if (circuitBreaker != null && !circuitBreaker.tryAcquirePermission()) {
			throw new RedisCallException(RedisCallException.Reason.CIRCUIT_OPEN,
					"circuit breaker '" + circuitBreaker.getName() + "' holds calls back after Redis failed", null);
		}
		long wait = Math.min(this.timeoutNanos, budget);
		long start = System.nanoTime();
		RedisClusterAsyncCommands<byte[], byte[]> commands = null;
		boolean answered = false;
		try {
			commands = this.connector.commands(start + wait);
			T result = attempt.run(commands, start + wait);
			answered = true;
			succeeded(circuitBreaker, start);
			return result;
		}
		catch (TimeoutException ex) {
			RedisCallException failure = new RedisCallException(RedisCallException.Reason.TIMEOUT,
					"Redis did not answer within " + TimeUnit.NANOSECONDS.toMillis(wait) + " ms", ex);
			this.outcomes.timedOut(System.nanoTime());
			if (wait == this.timeoutNanos && !pausedLocally(start, start + wait)) {
				failed(circuitBreaker, start, failure);
			}
			else {
				// Cut short by the request's budget, or by this JVM's own pause: that says
				// nothing of Redis.
				released(circuitBreaker);
			}
			throw failure;
		}
		catch (ExecutionException ex) {
			throw failure(circuitBreaker, (ex.getCause() != null) ? ex.getCause() : ex, commands, start);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			released(circuitBreaker);
			throw new RedisCallException(RedisCallException.Reason.UNAVAILABLE, "interrupted while waiting for Redis",
					ex);
		}
		catch (RuntimeException ex) {
			throw failure(circuitBreaker, ex, commands, start);
		}
		finally {
			if (this.budget != null) {
				long took = System.nanoTime() - start;
				this.budget.spend(answered ? Math.max(0, took - this.healthyNanos) : took);
			}
		}
	}

	/**
	 * Whether a wait that timed out was held up by this JVM: it woke well after its deadline,
	 * or the JVM paused for a good part of it, or of the timeout before it.
	 */
	private boolean pausedLocally(long start, long deadline) {
		long now = System.nanoTime();
		if (now - this.lastAnswer > this.answeredRecentlyNanos || failingOften(now)) {
			// Redis has not answered anything for a while, or fails a good part of the calls:
			// whatever this JVM does, that is Redis's failure, or every request would keep
			// paying the whole timeout.
			return false;
		}
		// A pause just before the call counts too: the answers it held up are read first.
		return now - deadline >= this.localPauseNanos
				|| this.pauses.pausedNanosSince(start - this.timeoutNanos) >= this.localPauseNanos;
	}

	private boolean failingOften(long now) {
		double failureRate = (this.circuitBreaker != null)
				? this.circuitBreaker.getCircuitBreakerConfig().getFailureRateThreshold() / 100.0 : 0.5;
		return this.outcomes.timeoutShare(now) >= failureRate;
	}

	private void answered(long now) {
		this.outcomes.answered(now);
		this.connector.serverAnswered();
		if (now - this.lastAnswer > ANSWER_RESOLUTION_NANOS) {
			this.lastAnswer = now;
		}
	}

	private RedisCallException failure(CircuitBreaker circuitBreaker, Throwable cause,
			RedisClusterAsyncCommands<byte[], byte[]> commands, long start) {
		if (RedisErrors.hasReply(cause, "OOM")) {
			succeeded(circuitBreaker, start);
			return new RedisCallException(RedisCallException.Reason.OUT_OF_MEMORY, cause.getMessage(), cause);
		}
		boolean errorReply = RedisErrors.isErrorReply(cause);
		if (errorReply && !RedisErrors.isUnavailableReply(cause)) {
			succeeded(circuitBreaker, start);
			return new RedisCallException(RedisCallException.Reason.ERROR_REPLY, cause.getMessage(), cause);
		}
		if (!errorReply && commands != null) {
			this.connector.connectionBroken(commands);
		}
		else if (RedisErrors.hasReply(cause, "READONLY") || RedisErrors.hasReply(cause, "MASTERDOWN")) {
			this.connector.serverChanged();
		}
		RedisCallException failure = new RedisCallException(RedisCallException.Reason.UNAVAILABLE,
				"Redis failed: " + cause.getMessage(), cause);
		failed(circuitBreaker, start, failure);
		return failure;
	}

	private void succeeded(CircuitBreaker circuitBreaker, long start) {
		long end = System.nanoTime();
		answered(end);
		if (circuitBreaker == null) {
			return;
		}
		if (start - this.watchUntil.get() < 0 || circuitBreaker.getState() != CircuitBreaker.State.CLOSED) {
			circuitBreaker.onSuccess(end - start, TimeUnit.NANOSECONDS);
		}
	}

	private void failed(CircuitBreaker circuitBreaker, long start, Throwable failure) {
		if (circuitBreaker == null) {
			return;
		}
		long end = System.nanoTime();
		long watched = this.watchUntil.get();
		boolean quietSpellEnds = end - watched >= 0;
		if (quietSpellEnds && this.watchUntil.compareAndSet(watched, end + WATCH_AFTER_FAILURE_NANOS)) {
			this.failingSince = end;
			if (circuitBreaker.getState() == CircuitBreaker.State.CLOSED) {
				// The first failure after a quiet spell, and only that one: outcomes recorded
				// around an earlier incident, maybe days ago, must not count towards this one.
				circuitBreaker.reset();
			}
		}
		else {
			this.watchUntil.accumulateAndGet(end + WATCH_AFTER_FAILURE_NANOS, Math::max);
		}
		if (circuitBreaker.getState() == CircuitBreaker.State.CLOSED && end - this.failingSince < this.graceNanos) {
			// Failures that have not lasted yet: this call gave up, the breaker stays out of it.
			circuitBreaker.releasePermission();
			return;
		}
		circuitBreaker.onError(end - start, TimeUnit.NANOSECONDS, failure);
	}

	private void released(CircuitBreaker circuitBreaker) {
		if (circuitBreaker != null && circuitBreaker.getState() != CircuitBreaker.State.CLOSED) {
			circuitBreaker.releasePermission();
		}
	}

	@SuppressWarnings("unchecked")
	private static <T> CompletableFuture<T> toCompletableFuture(Future<T> future) {
		if (future instanceof CompletionStage<?> stage) {
			return ((CompletionStage<T>) stage).toCompletableFuture();
		}
		throw new IllegalArgumentException("An asynchronous call needs a command that answers with a CompletionStage");
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

	@FunctionalInterface
	private interface Attempt<T> {

		T run(RedisClusterAsyncCommands<byte[], byte[]> commands, long deadline)
				throws InterruptedException, ExecutionException, TimeoutException;

	}

}
