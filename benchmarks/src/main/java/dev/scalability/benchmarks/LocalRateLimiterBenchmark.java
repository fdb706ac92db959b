package dev.scalability.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.scalability.ratelimit.AcquireMode;
import dev.scalability.ratelimit.RateLimit;
import dev.scalability.ratelimit.RateLimitAlgorithm;
import dev.scalability.ratelimit.RateLimitKey;
import dev.scalability.ratelimit.RateLimitObserver;
import dev.scalability.ratelimit.RateLimitPolicy;
import dev.scalability.ratelimit.RateLimiterService;
import dev.scalability.ratelimit.memory.MemoryRateLimiter;
import dev.scalability.time.MonotonicClock;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.internal.AtomicRateLimiter;
import org.openjdk.jmh.annotations.AuxCounters;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.ThreadParams;

/**
 * One rate-limit decision kept in this JVM: the starter's memory backend (alone, and behind
 * {@link RateLimiterService} as applications call it) against a Bucket4j bucket and a
 * Resilience4j {@link AtomicRateLimiter} per key, each kept in a Caffeine cache as a user
 * would. Every implementation gets the same limit, 1,000,000 per second per key.
 * <p>
 * With the {@code hot} key every caller hits one key, faster than the limit, so most
 * decisions are refusals and threads contend on one piece of state; with {@code spread} the
 * callers walk 100,000 keys, so the cost is dominated by the key lookup. The
 * {@code allowed} and {@code refused} counters show that every implementation enforces the
 * limit (about 1,000,000 allowed per second on the hot key).
 * <p>
 * {@code oneThread} and {@code twoThreads} are the same measurement; they exist so that one
 * run gives both (a {@code -t} option on the command line would override both).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class LocalRateLimiterBenchmark {

	private static final long PERMITS_PER_SECOND = 1_000_000;

	private static final int SPREAD_KEY_COUNT = 100_000;

	// Above the number of keys, so that no implementation evicts (and forgets) a key mid-run.
	private static final long MAX_KEYS = 2L * SPREAD_KEY_COUNT;

	@Benchmark
	@Threads(1)
	public boolean oneThread(Limiter limiter, KeyCursor cursor, Outcomes outcomes) {
		return outcomes.count(limiter.decider.tryAcquire(cursor.nextKey()));
	}

	@Benchmark
	@Threads(2)
	public boolean twoThreads(Limiter limiter, KeyCursor cursor, Outcomes outcomes) {
		return outcomes.count(limiter.decider.tryAcquire(cursor.nextKey()));
	}

	@FunctionalInterface
	interface Decider {

		boolean tryAcquire(String key);

	}

	@State(Scope.Benchmark)
	public static class Limiter {

		@Param({ "memory", "service", "bucket4j", "resilience4j" })
		public String implementation;

		Decider decider;

		@Setup(Level.Trial)
		public void create() {
			this.decider = switch (this.implementation) {
				case "memory" -> memory();
				case "service" -> service();
				case "bucket4j" -> bucket4j();
				case "resilience4j" -> resilience4j();
				default -> throw new IllegalArgumentException("Unknown implementation " + this.implementation);
			};
		}

		private static RateLimitPolicy policy() {
			return RateLimitPolicy.of("bench", RateLimitAlgorithm.TOKEN_BUCKET,
					RateLimit.of(PERMITS_PER_SECOND, Duration.ofSeconds(1)));
		}

		private static Decider memory() {
			RateLimitPolicy policy = policy();
			MemoryRateLimiter limiter = new MemoryRateLimiter(MAX_KEYS, MonotonicClock.system());
			return (key) -> limiter.acquire(policy, key, 1, AcquireMode.ACQUIRE).allowed();
		}

		private static Decider service() {
			RateLimitPolicy policy = policy();
			RateLimiterService service = new RateLimiterService(
					new MemoryRateLimiter(MAX_KEYS, MonotonicClock.system()), List.of(policy), RateLimitObserver.NONE);
			return (key) -> service.acquire(policy, RateLimitKey.application(key), 1, AcquireMode.ACQUIRE).allowed();
		}

		private static Decider bucket4j() {
			Bandwidth bandwidth = Bandwidth.builder()
				.capacity(PERMITS_PER_SECOND)
				.refillGreedy(PERMITS_PER_SECOND, Duration.ofSeconds(1))
				.build();
			Cache<String, Bucket> buckets = Caffeine.newBuilder().maximumSize(MAX_KEYS).build();
			return (key) -> buckets.get(key, (ignored) -> Bucket.builder().addLimit(bandwidth).build()).tryConsume(1);
		}

		private static Decider resilience4j() {
			// Resilience4j hands out a whole period's permits at the start of each period: the
			// closest it comes to a token bucket of the same rate.
			RateLimiterConfig config = RateLimiterConfig.custom()
				.limitForPeriod((int) PERMITS_PER_SECOND)
				.limitRefreshPeriod(Duration.ofSeconds(1))
				.timeoutDuration(Duration.ZERO)
				.build();
			Cache<String, AtomicRateLimiter> limiters = Caffeine.newBuilder().maximumSize(MAX_KEYS).build();
			return (key) -> limiters.get(key, (name) -> new AtomicRateLimiter(name, config)).acquirePermission();
		}

	}

	@State(Scope.Benchmark)
	public static class Keys {

		@Param({ "hot", "spread" })
		public String keys;

		String[] order;

		@Setup(Level.Trial)
		public void generate() {
			if ("hot".equals(this.keys)) {
				this.order = new String[] { "client-hot" };
				return;
			}
			List<String> spread = new ArrayList<>(SPREAD_KEY_COUNT);
			for (int i = 0; i < SPREAD_KEY_COUNT; i++) {
				spread.add("client-" + i);
			}
			// A fixed seed, so that every implementation sees the same sequence of keys.
			Collections.shuffle(spread, new Random(42));
			this.order = spread.toArray(String[]::new);
		}

	}

	/**
	 * Hands out keys without computing them in the measured loop: each thread walks the
	 * same shuffled array from its own starting point.
	 */
	@State(Scope.Thread)
	public static class KeyCursor {

		private String[] order;

		private int next;

		@Setup(Level.Trial)
		public void start(Keys keys, ThreadParams thread) {
			this.order = keys.order;
			this.next = (int) ((long) thread.getThreadIndex() * this.order.length / thread.getThreadCount());
		}

		String nextKey() {
			String key = this.order[this.next];
			if (++this.next == this.order.length) {
				this.next = 0;
			}
			return key;
		}

	}

	@State(Scope.Thread)
	@AuxCounters(AuxCounters.Type.OPERATIONS)
	public static class Outcomes {

		public long allowed;

		public long refused;

		@Setup(Level.Iteration)
		public void reset() {
			this.allowed = 0;
			this.refused = 0;
		}

		boolean count(boolean allowed) {
			if (allowed) {
				this.allowed++;
			}
			else {
				this.refused++;
			}
			return allowed;
		}

	}

}
