package dev.scalability.benchmarks;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

import dev.scalability.ratelimit.AcquireMode;
import dev.scalability.ratelimit.FailMode;
import dev.scalability.ratelimit.RateLimit;
import dev.scalability.ratelimit.RateLimitAlgorithm;
import dev.scalability.ratelimit.RateLimitDecision;
import dev.scalability.ratelimit.RateLimitKey;
import dev.scalability.ratelimit.RateLimitObserver;
import dev.scalability.ratelimit.RateLimitPolicy;
import dev.scalability.ratelimit.RateLimiter;
import dev.scalability.ratelimit.RateLimiterService;
import dev.scalability.ratelimit.memory.MemoryRateLimiter;
import dev.scalability.ratelimit.redis.FailoverRateLimiter;
import dev.scalability.ratelimit.redis.RateLimitLeases;
import dev.scalability.ratelimit.redis.RedisRateLimiter;
import dev.scalability.redis.GuardedRedis;
import dev.scalability.redis.RedisConnector;
import dev.scalability.redis.RedisKeys;
import dev.scalability.time.MonotonicClock;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.BucketProxy;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.github.bucket4j.redis.lettuce.cas.LettuceBasedProxyManager;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.ThreadParams;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * One rate-limit decision shared through Redis, from 32 callers at once over one
 * connection: the starter as production wires it (Spring Data Redis connection factory,
 * circuit breaker with local fallback, {@link RateLimiterService}) against Bucket4j's
 * Lettuce proxy manager and against the least a hand-written limiter could do, one
 * {@code EVALSHA} of a bare GCRA script. Compare with {@link RedisRoundTripBenchmark}, the
 * ceiling of one round trip.
 * <p>
 * The limit, 1,000,000 per second, is far above what 32 callers reach with a call per
 * decision, so nothing is refused and every such implementation does its full work on
 * every call. The leased ones ({@code leased}: a token bucket, the default;
 * {@code leased-window}: a fixed window of 60,000,000 a minute) decide faster than that
 * and reach the limit: their refusals are decided here too, from the bucket or window
 * last seen empty. With the {@code hot}
 * key all callers share one key (Bucket4j's compare-and-swap then retries on conflicts);
 * with {@code spread} each caller has its own.
 * <p>
 * After each trial the benchmark prints the commands Redis ran per decision, from
 * {@code INFO commandstats}: those run by scripts count too, so Bucket4j's {@code GET}
 * plus {@code EVAL} (which itself runs a {@code GET} and a {@code PSETEX}) shows as about
 * four.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
@Threads(32)
public class RedisRateLimiterBenchmark {

	private static final long PERMITS_PER_SECOND = 1_000_000;

	/**
	 * Generic cell rate algorithm: one timestamp per key, the earliest time the next
	 * request would be on schedule, with the clock of the Redis server.
	 */
	private static final String GCRA_SCRIPT = """
			local time = redis.call('TIME')
			local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
			local interval = tonumber(ARGV[1])
			local tolerance = tonumber(ARGV[2])
			local due = tonumber(redis.call('GET', KEYS[1])) or now
			if due < now then due = now end
			local next_due = due + interval
			if next_due - now > tolerance then return 0 end
			redis.call('SET', KEYS[1], string.format('%.0f', next_due), 'PX', math.ceil((next_due - now) / 1000) + 1)
			return 1
			""";

	@Benchmark
	public boolean decide(Backend backend, Caller caller) {
		return backend.count(caller.decider.getAsBoolean());
	}

	@State(Scope.Benchmark)
	public static class Backend {

		@Param({ "ours", "leased", "leased-window", "bucket4j", "script" })
		public String implementation;

		@Param({ "hot", "spread" })
		public String keys;

		private final LongAdder decisions = new LongAdder();

		private final LongAdder refused = new LongAdder();

		private final LongAdder fallbacks = new LongAdder();

		private final Deque<AutoCloseable> resources = new ArrayDeque<>();

		private BenchmarkRedis redis;

		private Function<String, BooleanSupplier> deciderForKey;

		private Map<String, Long> callsBefore;

		@Setup(Level.Trial)
		public void start() {
			this.redis = BenchmarkRedis.start();
			this.resources.push(this.redis);
			this.deciderForKey = switch (this.implementation) {
				case "ours" -> ours();
				case "leased" -> leased(RateLimitPolicy.of("bench", RateLimitAlgorithm.TOKEN_BUCKET,
						RateLimit.of(PERMITS_PER_SECOND, Duration.ofSeconds(1))));
				case "leased-window" -> leased(RateLimitPolicy.of("bench", RateLimitAlgorithm.FIXED_WINDOW,
						RateLimit.of(PERMITS_PER_SECOND * 60, Duration.ofMinutes(1))));
				case "bucket4j" -> bucket4j();
				case "script" -> script();
				default -> throw new IllegalArgumentException("Unknown implementation " + this.implementation);
			};
			// The first decision connects and may load a script: neither belongs in the
			// per-decision count.
			this.deciderForKey.apply("warm-up").getAsBoolean();
			this.callsBefore = this.redis.commandCalls();
		}

		@TearDown(Level.Trial)
		public void stop() throws Exception {
			try {
				printCommandsPerDecision();
			}
			finally {
				while (!this.resources.isEmpty()) {
					this.resources.pop().close();
				}
			}
		}

		boolean count(boolean allowed) {
			this.decisions.increment();
			if (!allowed) {
				this.refused.increment();
			}
			return allowed;
		}

		/**
		 * The starter with leases on (the default): hot keys decide from permits leased out
		 * of Redis, for a token bucket (the default algorithm) or a fixed window.
		 */
		private Function<String, BooleanSupplier> leased(RateLimitPolicy policy) {
			RedisRateLimiter redisLimiter = new RedisRateLimiter(guardedRedis(), new RedisKeys("bench:"));
			RateLimitLeases leases = new RateLimitLeases(redisLimiter, (leasing) -> true, System::nanoTime,
					java.util.concurrent.Executors.newSingleThreadExecutor(), 10_000);
			FailoverRateLimiter limiter = new FailoverRateLimiter(redisLimiter, FailMode.LOCAL,
					new MemoryRateLimiter(100_000, MonotonicClock.system()), () -> 1, leases);
			this.resources.push(limiter);
			return decider(limiter, policy);
		}

		private Function<String, BooleanSupplier> ours() {
			RateLimiter limiter = new FailoverRateLimiter(new RedisRateLimiter(guardedRedis(), new RedisKeys("bench:")),
					FailMode.LOCAL, new MemoryRateLimiter(100_000, MonotonicClock.system()), () -> 1);
			return decider(limiter, RateLimitPolicy.of("bench", RateLimitAlgorithm.TOKEN_BUCKET,
					RateLimit.of(PERMITS_PER_SECOND, Duration.ofSeconds(1))));
		}

		/**
		 * The connection the starter's limiter uses in production: Spring Data Redis's
		 * connection factory, behind a timeout and a circuit breaker.
		 */
		private GuardedRedis guardedRedis() {
			LettuceConnectionFactory connectionFactory = new LettuceConnectionFactory(
					new RedisStandaloneConfiguration(this.redis.endpoint().host(), this.redis.endpoint().port()));
			connectionFactory.afterPropertiesSet();
			connectionFactory.start();
			this.resources.push(connectionFactory::destroy);
			return new GuardedRedis(new RedisConnector(connectionFactory, onDaemonThread()), Duration.ofMillis(200),
					CircuitBreaker.of("bench", CircuitBreakerConfig.ofDefaults()));
		}

		private Function<String, BooleanSupplier> decider(RateLimiter limiter, RateLimitPolicy policy) {
			RateLimiterService service = new RateLimiterService(limiter, List.of(policy), RateLimitObserver.NONE);
			return (key) -> () -> {
				RateLimitDecision decision = service.acquire(policy, RateLimitKey.application(key), 1,
						AcquireMode.ACQUIRE);
				// A decision by the fallback never reached Redis: it would flatter the result.
				if (decision.source() == RateLimitDecision.Source.FALLBACK) {
					this.fallbacks.increment();
				}
				return decision.allowed();
			};
		}

		private static Executor onDaemonThread() {
			return (task) -> {
				Thread thread = new Thread(task, "bench-redis-connect");
				thread.setDaemon(true);
				thread.start();
			};
		}

		private Function<String, BooleanSupplier> bucket4j() {
			RedisClient client = RedisClient.create(this.redis.endpoint().url());
			this.resources.push(client::shutdown);
			// Bucket4j's documentation recommends an expiry; without it every key would stay
			// in Redis for ever, which the other implementations do not allow either.
			LettuceBasedProxyManager<byte[]> buckets = Bucket4jLettuce.casBasedBuilder(client)
				.expirationAfterWrite(
						ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofSeconds(1)))
				.build();
			BucketConfiguration configuration = BucketConfiguration.builder()
				.addLimit((limit) -> limit.capacity(PERMITS_PER_SECOND)
					.refillGreedy(PERMITS_PER_SECOND, Duration.ofSeconds(1)))
				.build();
			return (key) -> {
				BucketProxy bucket = buckets.builder()
					.build(("bench:b4j:" + key).getBytes(StandardCharsets.UTF_8), () -> configuration);
				return () -> bucket.tryConsume(1);
			};
		}

		private Function<String, BooleanSupplier> script() {
			RedisClient client = RedisClient.create(this.redis.endpoint().url());
			this.resources.push(client::shutdown);
			StatefulRedisConnection<String, String> connection = client.connect();
			this.resources.push(connection::close);
			RedisCommands<String, String> commands = connection.sync();
			String sha = commands.scriptLoad(GCRA_SCRIPT);
			long intervalMicros = TimeUnit.SECONDS.toMicros(1) / PERMITS_PER_SECOND;
			String[] arguments = { Long.toString(intervalMicros), Long.toString(PERMITS_PER_SECOND * intervalMicros) };
			return (key) -> {
				String[] redisKeys = { "bench:gcra:{" + key + "}" };
				return () -> commands.<Long>evalsha(sha, ScriptOutputType.INTEGER, redisKeys, arguments) == 1L;
			};
		}

		private void printCommandsPerDecision() {
			Map<String, Long> callsAfter = this.redis.commandCalls();
			String trial = this.implementation + ", " + this.keys + " keys";
			long decided = this.decisions.sum();
			if (callsAfter.isEmpty() || decided == 0) {
				System.out.printf("%n[redis commands] %s: no command statistics (Redis given by URL, or no decision)%n",
						trial);
				return;
			}
			Map<String, Long> ran = new TreeMap<>();
			callsAfter.forEach((command, calls) -> {
				long delta = calls - this.callsBefore.getOrDefault(command, 0L);
				if (delta > 0 && !isBookkeeping(command)) {
					ran.put(command, delta);
				}
			});
			long total = ran.values().stream().mapToLong(Long::longValue).sum();
			StringBuilder perCommand = new StringBuilder();
			ran.forEach((command, calls) -> perCommand.append(perCommand.isEmpty() ? "" : ", ")
				.append(String.format(Locale.ROOT, "%s %.3f", command, (double) calls / decided)));
			System.out.printf(Locale.ROOT,
					"%n[redis commands] %s: %d decisions (%d refused, %d by fallback); per decision: "
							+ "evalsha %.3f, all commands %.3f, scripts' own calls included (%s)%n",
					trial, decided, this.refused.sum(), this.fallbacks.sum(),
					(double) ran.getOrDefault("evalsha", 0L) / decided, (double) total / decided, perCommand);
		}

		/**
		 * Whether a command comes from reading the statistics (a fresh connection and
		 * {@code INFO}) rather than from a decision.
		 */
		private static boolean isBookkeeping(String command) {
			return command.equals("info") || command.equals("hello") || command.equals("ping")
					|| command.startsWith("client|") || command.startsWith("command|");
		}

	}

	@State(Scope.Thread)
	public static class Caller {

		private BooleanSupplier decider;

		@Setup(Level.Trial)
		public void bind(Backend backend, ThreadParams thread) {
			String key = "hot".equals(backend.keys) ? "hot" : "caller-" + thread.getThreadIndex();
			this.decider = backend.deciderForKey.apply(key);
		}

	}

}
