package dev.scalability.ratelimit.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

import dev.scalability.ratelimit.AcquireMode;
import dev.scalability.ratelimit.Penalty;
import dev.scalability.ratelimit.PolicyMemo;
import dev.scalability.ratelimit.RateLimit;
import dev.scalability.ratelimit.RateLimitAlgorithm;
import dev.scalability.ratelimit.RateLimitDecision;
import dev.scalability.ratelimit.RateLimitPolicy;
import dev.scalability.ratelimit.RateLimiter;
import dev.scalability.redis.GuardedRedis;
import dev.scalability.redis.LuaScript;
import dev.scalability.redis.RedisCallException;
import dev.scalability.redis.RedisKeys;
import dev.scalability.redis.RedisTimeBudget;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Keeps rate-limit state in Redis, shared by every instance: one {@code EVALSHA} per
 * decision, all limits of a rule in it, time from the Redis server. Each key of a rule is
 * one Redis key, {@code <prefix>rl:{<rule>:<key>}}, written with an expiry no longer than
 * its state matters; the braces make it a hash tag, so that Redis Cluster routes the
 * script by it.
 *
 * <p>When Redis is out of memory and refuses writes ({@code maxmemory} with
 * {@code noeviction}, as the task queue needs), a flood of new keys must not make
 * decisions fail for the clients Redis already knows: the decision is then taken by the
 * same script flagged {@code allow-oom}, which updates existing keys (their size does not
 * change) and creates none; a new key gets {@link RedisCallException.Reason#OUT_OF_MEMORY},
 * and the fail-mode decides for it. Redis's memory is watched for a second after each
 * refusal, so that a full Redis costs one round trip per decision, not two.
 */
public class RedisRateLimiter implements RateLimiter {

	static final LuaScript SCRIPT = LuaScript.fromClassPath(RedisRateLimiter.class, "rate-limit.lua");

	/**
	 * The same script, allowed to run while Redis is out of memory; it creates no key.
	 */
	static final LuaScript SCRIPT_WHEN_FULL = LuaScript.of("rate-limit.lua (allow-oom)",
			"#!lua flags=allow-oom\n" + SCRIPT.source());

	private static final long NANOS_PER_MICRO = 1_000;

	private static final long FULL_FOR_NANOS = TimeUnit.SECONDS.toNanos(1);

	private static final long LOG_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);

	private static final Log logger = LogFactory.getLog(RedisRateLimiter.class);

	private static final byte[] SERVER_TIME = new byte[0];

	private static final byte[] LEASE = PolicyArguments.ascii(4);

	private static final byte[] LEASE_WHEN_FULL = PolicyArguments.ascii(14);

	private static final byte[] GIVE_BACK = PolicyArguments.ascii(5);

	private static final byte[] GIVE_BACK_WHEN_FULL = PolicyArguments.ascii(15);

	private static final byte[] ONE = PolicyArguments.ascii(1);

	private static final byte[] ZERO = PolicyArguments.ascii(0);

	private static final long EXERCISE_NANOS = TimeUnit.SECONDS.toNanos(2);

	/**
	 * Enough for the JIT's first tier on the path, few enough that many instances starting
	 * at once (a rolling deploy) are no load on Redis: a few thousand cheap calls each.
	 */
	private static final int EXERCISE_CALLS = 1_500;

	private static final RateLimitPolicy WARM_UP = RateLimitPolicy.of("warm-up", RateLimitAlgorithm.TOKEN_BUCKET,
			RateLimit.of(1_000_000, Duration.ofSeconds(1)));

	private static final RateLimitPolicy WARM_UP_SEVERAL_LIMITS = RateLimitPolicy.of("warm-up",
			RateLimitAlgorithm.SLIDING_WINDOW, RateLimit.of(1_000_000, Duration.ofSeconds(1)),
			RateLimit.of(1_000_000, Duration.ofHours(1)));

	private final GuardedRedis redis;

	private final RedisKeys.Space keys;

	/**
	 * Encoded arguments per policy object, forgotten with the policy (code may build
	 * policies on the fly).
	 */
	private final PolicyMemo<PolicyArguments> arguments = new PolicyMemo<>(PolicyArguments::new);

	private final LongSupplier clockMicros;

	/**
	 * Until when Redis is taken to be out of memory, in {@link System#nanoTime()}.
	 */
	private volatile long fullUntil = System.nanoTime();

	private final LongAdder lostRefunds = new LongAdder();

	private volatile long lastLostLogged = System.nanoTime() - LOG_EVERY_NANOS;

	/**
	 * Creates a limiter that takes the time from the Redis server.
	 * @param redis the guarded connection
	 * @param keys the key builder
	 */
	public RedisRateLimiter(GuardedRedis redis, RedisKeys keys) {
		this(redis, keys, null);
	}

	/**
	 * Creates a limiter with its own clock, for tests that control time. In production the
	 * time comes from the Redis server, the one clock all instances share.
	 * @param redis the guarded connection
	 * @param keys the key builder
	 * @param clockMicros the clock in microseconds, or {@code null} for the server's
	 */
	public RedisRateLimiter(GuardedRedis redis, RedisKeys keys, LongSupplier clockMicros) {
		this.redis = redis;
		this.keys = keys.space("rl");
		this.clockMicros = clockMicros;
	}

	@Override
	public RateLimitDecision acquire(RateLimitPolicy policy, String key, long permits, AcquireMode mode) {
		byte[][] redisKey = { this.keys.key(RedisKeys.tag(policy.name(), key)) };
		if (System.nanoTime() - this.fullUntil < 0) {
			return whenFull(policy, redisKey, permits, mode);
		}
		try {
			return decision(policy, this.redis.script(SCRIPT, redisKey, arguments(policy, mode, permits, false)));
		}
		catch (RedisCallException ex) {
			if (ex.reason() != RedisCallException.Reason.OUT_OF_MEMORY) {
				throw ex;
			}
			this.fullUntil = System.nanoTime() + FULL_FOR_NANOS;
			return whenFull(policy, redisKey, permits, mode);
		}
	}

	/**
	 * Leases permits out of a single token bucket (see {@code rate-limit.lua}): they are
	 * taken now and held as used until the lease's lifetime ends, so that using them at any
	 * time within it admits no more than exact decisions could.
	 * @param policy the limits: one token bucket, no penalty
	 * @param key who asks
	 * @param permits how many to take
	 * @param forRequest whether a request waits for the lease: when the lease does not fit,
	 * that request's own permit is then decided exactly, in the same call
	 * @param lifetime how long the permits may be used
	 * @return the decision, and the bucket's state it left
	 */
	public Lease leaseFromBucket(RateLimitPolicy policy, String key, long permits, boolean forRequest,
			Duration lifetime) {
		List<Object> reply = callEvenWhenFull(policy, key, (full) -> arguments(policy, full ? LEASE_WHEN_FULL : LEASE,
				permits, PolicyArguments.ascii(micros(lifetime)), forRequest ? ONE : ZERO));
		boolean leased = reply.size() > 5;
		return new Lease(decision(policy, reply), leased, leased ? (Long) reply.get(5) : 0);
	}

	/**
	 * Leases permits out of a fixed window for a request that waits for them: when they do
	 * not fit, that request's own permit is decided exactly, in the same call.
	 * @param policy the limits: one fixed window, no penalty
	 * @param key who asks
	 * @param permits how many to take
	 * @return the decision, and whether it is the lease
	 */
	public Lease leaseFromWindow(RateLimitPolicy policy, String key, long permits) {
		List<Object> reply = callEvenWhenFull(policy, key, (full) -> {
			byte[][] args = arguments(policy, AcquireMode.ACQUIRE, permits, full);
			args[0] = full ? LEASE_WHEN_FULL : LEASE;
			return args;
		});
		return new Lease(decision(policy, reply), reply.size() > 5, 0);
	}

	/**
	 * Gives unused permits of a lease back to its token bucket, if nothing has changed the
	 * bucket since that lease: a later decision was taken on the state the lease left.
	 * @param policy the limits
	 * @param key who took them
	 * @param permits how many
	 * @param leftState the state the lease left
	 * @return whether they went back
	 */
	public boolean giveBackToBucket(RateLimitPolicy policy, String key, long permits, long leftState) {
		List<Object> reply = callEvenWhenFull(policy, key, (full) -> arguments(policy, full ? GIVE_BACK_WHEN_FULL : GIVE_BACK,
				permits, PolicyArguments.ascii(leftState)));
		return (Long) reply.get(0) == 1L;
	}

	/**
	 * {@link #giveBackToBucket} without waiting for Redis.
	 * @param policy the limits
	 * @param key who took them
	 * @param permits how many
	 * @param leftState the state the lease left
	 * @return done when the call has ended, whether the permits went back or not
	 */
	public CompletableFuture<Void> giveBackToBucketInBackground(RateLimitPolicy policy, String key, long permits,
			long leftState) {
		return inBackground(redisKey(policy, key), (full) -> arguments(policy,
				full ? GIVE_BACK_WHEN_FULL : GIVE_BACK, permits, PolicyArguments.ascii(leftState)));
	}

	/**
	 * Runs a call, once more flagged {@code allow-oom} when Redis refuses it for want of
	 * memory (or is known to be full): it then touches only keys that exist.
	 */
	private List<Object> callEvenWhenFull(RateLimitPolicy policy, String key,
			java.util.function.Function<Boolean, byte[][]> arguments) {
		byte[][] redisKey = redisKey(policy, key);
		if (!isFull()) {
			try {
				return this.redis.script(SCRIPT, redisKey, arguments.apply(false));
			}
			catch (RedisCallException ex) {
				if (ex.reason() != RedisCallException.Reason.OUT_OF_MEMORY) {
					throw ex;
				}
				this.fullUntil = System.nanoTime() + FULL_FOR_NANOS;
			}
		}
		List<Object> reply = this.redis.script(SCRIPT_WHEN_FULL, redisKey, arguments.apply(true));
		if ((Long) reply.get(0) < 0) {
			throw new RedisCallException(RedisCallException.Reason.OUT_OF_MEMORY,
					"Redis is out of memory: no room for a new key", null);
		}
		return reply;
	}

	private byte[][] redisKey(RateLimitPolicy policy, String key) {
		return new byte[][] { this.keys.key(RedisKeys.tag(policy.name(), key)) };
	}

	private byte[][] arguments(RateLimitPolicy policy, byte[] mode, long permits, byte[]... extra) {
		byte[][] template = arguments(policy, AcquireMode.REFUND, permits, false);
		byte[][] args = java.util.Arrays.copyOf(template, template.length + extra.length);
		args[0] = mode;
		System.arraycopy(extra, 0, args, template.length, extra.length);
		return args;
	}

	private static long micros(Duration duration) {
		return duration.toNanos() / NANOS_PER_MICRO;
	}

	/**
	 * Permits leased out of a token bucket or a fixed window.
	 * @param decision whether they were taken, and what the bucket had left
	 * @param leased whether they were: {@code false} when the lease did not fit, and the
	 * decision is the request's own exact one
	 * @param state the bucket's state the lease left, to give unused permits back against
	 */
	public record Lease(RateLimitDecision decision, boolean leased, long state) {
	}

	/**
	 * Gives permits back without waiting for Redis: after a response, no one waits for it.
	 * What cannot be sent (the breaker holds calls back, too many are under way) or does
	 * not arrive in time stays taken, which errs on the safe side, and is counted.
	 * @param policy the limits
	 * @param key who took them
	 * @param permits how many
	 * @return done when the call has ended, whether the permits went back or not
	 */
	public CompletableFuture<Void> refundInBackground(RateLimitPolicy policy, String key, long permits) {
		return inBackground(redisKey(policy, key), (full) -> arguments(policy, AcquireMode.REFUND, permits, full));
	}

	/**
	 * Runs a call that gives permits back, without waiting for it; once more flagged
	 * {@code allow-oom} when Redis refuses it for want of memory.
	 */
	private CompletableFuture<Void> inBackground(byte[][] redisKey,
			java.util.function.Function<Boolean, byte[][]> arguments) {
		boolean full = isFull();
		return this.redis.scriptInBackground(full ? SCRIPT_WHEN_FULL : SCRIPT, redisKey, arguments.apply(full))
			.handle((reply, failure) -> failure)
			.thenCompose((failure) -> {
				if (failure == null) {
					return CompletableFuture.<Void>completedFuture(null);
				}
				if (!full && isOutOfMemory(failure)) {
					this.fullUntil = System.nanoTime() + FULL_FOR_NANOS;
					return this.redis.scriptInBackground(SCRIPT_WHEN_FULL, redisKey, arguments.apply(true))
						.handle((retried, again) -> {
							if (again != null) {
								refundLost(again);
							}
							return null;
						});
				}
				refundLost(failure);
				return CompletableFuture.<Void>completedFuture(null);
			});
	}

	private static boolean isOutOfMemory(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause.getMessage() != null && cause.getMessage().startsWith("OOM")) {
				return true;
			}
		}
		return false;
	}

	private void refundLost(Throwable failure) {
		this.lostRefunds.increment();
		long now = System.nanoTime();
		if (now - this.lastLostLogged >= LOG_EVERY_NANOS) {
			this.lastLostLogged = now;
			logger.warn("Rate-limit permits could not be given back to Redis and stay taken (" + this.lostRefunds.sum()
					+ " so far): " + failure);
		}
	}

	private RateLimitDecision whenFull(RateLimitPolicy policy, byte[][] redisKey, long permits, AcquireMode mode) {
		List<Object> reply = this.redis.script(SCRIPT_WHEN_FULL, redisKey, arguments(policy, mode, permits, true));
		if ((Long) reply.get(0) < 0) {
			throw new RedisCallException(RedisCallException.Reason.OUT_OF_MEMORY,
					"Redis is out of memory: no room for a new key", null);
		}
		return decision(policy, reply);
	}

	private byte[][] arguments(RateLimitPolicy policy, AcquireMode mode, long permits, boolean existingKeysOnly) {
		byte[][] args = this.arguments.get(policy).with(mode, permits, existingKeysOnly);
		args[2] = (this.clockMicros != null) ? PolicyArguments.ascii(this.clockMicros.getAsLong()) : SERVER_TIME;
		return args;
	}

	private static RateLimitDecision decision(RateLimitPolicy policy, List<Object> reply) {
		return new RateLimitDecision(((Long) reply.get(0)) == 1L, policy, ((Long) reply.get(1)).intValue(),
				Math.max(0, (Long) reply.get(2)), Math.max(0, (Long) reply.get(3)) * NANOS_PER_MICRO,
				Math.max(0, (Long) reply.get(4)) * NANOS_PER_MICRO, RateLimitDecision.Source.BACKEND);
	}

	/**
	 * Connects and loads the scripts ahead of the first decision, then takes decisions that
	 * change nothing (checks of a key no request uses, at most 1,500 on each of two threads,
	 * for at most two seconds), so that the path to Redis and back is compiled before the
	 * first request arrives: a cold JVM flooded the moment it is ready is slow, and slow
	 * calls time out.
	 * @param within how long to try in all
	 * @return whether Redis is ready
	 */
	public boolean warmUp(Duration within) {
		long deadline = System.nanoTime() + within.toNanos();
		if (!this.redis.warmUp(List.of(SCRIPT, SCRIPT_WHEN_FULL), within)) {
			return false;
		}
		long exerciseUntil = Math.min(deadline, System.nanoTime() + EXERCISE_NANOS);
		Thread second = new Thread(() -> exercise(exerciseUntil), "scalability-rate-limit-warm-up");
		second.setDaemon(true);
		second.start();
		boolean answered = exercise(exerciseUntil);
		try {
			second.join(TimeUnit.NANOSECONDS.toMillis(Math.max(0, deadline - System.nanoTime())) + 1);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		return answered;
	}

	private boolean exercise(long until) {
		return this.redis.warming(() -> {
			boolean answered = true;
			for (int i = 0; i < EXERCISE_CALLS && System.nanoTime() - until < 0; i++) {
				try {
					acquire(((i & 1) == 0) ? WARM_UP : WARM_UP_SEVERAL_LIMITS, "warm-up", 1, AcquireMode.CHECK);
				}
				catch (RedisCallException ex) {
					answered = false;
				}
			}
			return answered;
		});
	}

	/**
	 * Whether Redis refused writes within the last second.
	 * @return whether new keys are decided without Redis now
	 */
	public boolean isFull() {
		return System.nanoTime() - this.fullUntil < 0;
	}

	public GuardedRedis redis() {
		return this.redis;
	}

	@Override
	public RedisTimeBudget requestBudget() {
		return this.redis.budget();
	}

	@Override
	public String backend() {
		return "redis";
	}

	@Override
	public boolean degraded() {
		return this.redis.isHeldBack() || isFull();
	}

	@Override
	public Map<String, Object> details() {
		Map<String, Object> details = new LinkedHashMap<>();
		if (this.redis.circuitBreaker() != null) {
			details.put("circuitBreaker", this.redis.circuitBreaker().getState().name());
		}
		details.put("redisFull", isFull());
		details.put("refundsLost", this.lostRefunds.sum());
		return details;
	}

	/**
	 * The script arguments of a policy, encoded once: only the mode and the permits change
	 * from one call to the next.
	 */
	private static final class PolicyArguments {

		private static final byte[][] MODES = { ascii(1), ascii(2), ascii(3) };

		private static final byte[][] MODES_EXISTING_KEYS_ONLY = { ascii(11), ascii(12), ascii(13) };

		private static final byte[] ONE_PERMIT = ascii(1);

		private static final byte[] SINGLE_BUCKET = { 'b' };

		private final byte[][] template;

		PolicyArguments(RateLimitPolicy policy) {
			List<RateLimit> limits = policy.limits();
			Penalty penalty = policy.penalty();
			if (policy.algorithm() == RateLimitAlgorithm.TOKEN_BUCKET && limits.size() == 1 && penalty == null) {
				// The script's short path: Redis parses every argument of every call, so the
				// default rule shape sends only what its arithmetic needs.
				RateLimit limit = limits.get(0);
				long interval = limit.emissionIntervalMicros();
				this.template = new byte[][] { null, null, null, SINGLE_BUCKET, ascii(interval),
						ascii(interval * limit.capacity()) };
				return;
			}
			this.template = new byte[8 + limits.size() * 4][];
			this.template[3] = ascii(algorithmCode(policy.algorithm()));
			this.template[4] = ascii((penalty != null) ? penalty.after() : 0);
			this.template[5] = ascii((penalty != null) ? micros(penalty.block().toNanos()) : 0);
			this.template[6] = ascii((penalty != null) ? micros(penalty.maxBlock().toNanos()) : 0);
			this.template[7] = ascii(micros(policy.longestWindow().toNanos()));
			for (int i = 0; i < limits.size(); i++) {
				RateLimit limit = limits.get(i);
				this.template[8 + i * 4] = ascii(limit.limit());
				this.template[9 + i * 4] = ascii(micros(limit.window().toNanos()));
				this.template[10 + i * 4] = ascii(limit.burst());
				this.template[11 + i * 4] = ascii(limit.emissionIntervalMicros());
			}
		}

		byte[][] with(AcquireMode mode, long permits, boolean existingKeysOnly) {
			byte[][] args = this.template.clone();
			args[0] = (existingKeysOnly ? MODES_EXISTING_KEYS_ONLY : MODES)[mode.ordinal()];
			args[1] = (permits == 1) ? ONE_PERMIT : ascii(permits);
			return args;
		}

		private static int algorithmCode(RateLimitAlgorithm algorithm) {
			return switch (algorithm) {
				case TOKEN_BUCKET -> 1;
				case SLIDING_WINDOW -> 2;
				case FIXED_WINDOW -> 3;
			};
		}

		private static long micros(long nanos) {
			return nanos / NANOS_PER_MICRO;
		}

		static byte[] ascii(long value) {
			return Long.toString(value).getBytes(StandardCharsets.US_ASCII);
		}

	}

}
