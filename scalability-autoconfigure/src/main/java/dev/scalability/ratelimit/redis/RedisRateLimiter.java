package dev.scalability.ratelimit.redis;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.LongSupplier;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.scalability.ratelimit.AcquireMode;
import dev.scalability.ratelimit.Penalty;
import dev.scalability.ratelimit.RateLimit;
import dev.scalability.ratelimit.RateLimitAlgorithm;
import dev.scalability.ratelimit.RateLimitDecision;
import dev.scalability.ratelimit.RateLimitPolicy;
import dev.scalability.ratelimit.RateLimiter;

/**
 * Keeps rate-limit state in Redis, shared by every instance: one {@code EVALSHA} per
 * decision, all limits of a rule in it, time from the Redis server. Each key of a rule is
 * one Redis key, {@code <prefix>rl:{<rule>:<key>}}, written with an expiry no longer than
 * its state matters; the braces make it a hash tag, so that Redis Cluster routes the
 * script by it.
 */
public class RedisRateLimiter implements RateLimiter {

	static final LuaScript SCRIPT = LuaScript.fromClassPath(RedisRateLimiter.class, "rate-limit.lua");

	private static final long NANOS_PER_MICRO = 1_000;

	private final ScriptExecutor executor;

	private final String keyPrefix;

	private static final byte[] SERVER_TIME = new byte[0];

	/**
	 * Encoded arguments per policy object, forgotten with the policy (code may build
	 * policies on the fly).
	 */
	private final Cache<RateLimitPolicy, PolicyArguments> arguments = Caffeine.newBuilder().weakKeys().build();

	private final LongSupplier clockMicros;

	/**
	 * Creates a limiter that takes the time from the Redis server.
	 * @param executor runs the script
	 * @param keyPrefix the prefix of every key, such as {@code scalability:}
	 */
	public RedisRateLimiter(ScriptExecutor executor, String keyPrefix) {
		this(executor, keyPrefix, null);
	}

	/**
	 * Creates a limiter with its own clock, for tests that control time. In production the
	 * time comes from the Redis server, the one clock all instances share.
	 * @param executor runs the script
	 * @param keyPrefix the prefix of every key
	 * @param clockMicros the clock in microseconds, or {@code null} for the server's
	 */
	public RedisRateLimiter(ScriptExecutor executor, String keyPrefix, LongSupplier clockMicros) {
		this.executor = executor;
		this.keyPrefix = keyPrefix + "rl:{";
		this.clockMicros = clockMicros;
	}

	@Override
	public RateLimitDecision acquire(RateLimitPolicy policy, String key, long permits, AcquireMode mode) {
		byte[][] args = this.arguments.get(policy, PolicyArguments::new).with(mode, permits);
		args[2] = (this.clockMicros != null) ? PolicyArguments.ascii(this.clockMicros.getAsLong()) : SERVER_TIME;
		byte[] redisKey = (this.keyPrefix + policy.name() + ':' + key + '}').getBytes(StandardCharsets.UTF_8);
		List<Object> reply = this.executor.execute(SCRIPT, redisKey, args);
		return new RateLimitDecision(((Long) reply.get(0)) == 1L, policy, ((Long) reply.get(1)).intValue(),
				Math.max(0, (Long) reply.get(2)), Math.max(0, (Long) reply.get(3)) * NANOS_PER_MICRO,
				Math.max(0, (Long) reply.get(4)) * NANOS_PER_MICRO, RateLimitDecision.Source.BACKEND);
	}

	/**
	 * The script arguments of a policy, encoded once: only the mode and the permits change
	 * from one call to the next.
	 */
	private static final class PolicyArguments {

		private static final byte[][] MODES = { ascii(1), ascii(2), ascii(3) };

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

		byte[][] with(AcquireMode mode, long permits) {
			byte[][] args = this.template.clone();
			args[0] = MODES[mode.ordinal()];
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
