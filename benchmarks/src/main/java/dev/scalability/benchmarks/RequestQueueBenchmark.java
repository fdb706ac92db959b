package dev.scalability.benchmarks;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import com.netflix.concurrency.limits.Limiter;
import com.netflix.concurrency.limits.limit.FixedLimit;
import com.netflix.concurrency.limits.limiter.SimpleLimiter;
import dev.scalability.requestqueue.ConcurrencyLimit;
import dev.scalability.requestqueue.Permit;
import dev.scalability.requestqueue.Priority;
import dev.scalability.requestqueue.Refusal;
import dev.scalability.requestqueue.RequestQueue;
import dev.scalability.requestqueue.RequestQueueObserver;
import dev.scalability.requestqueue.RequestQueueSettings;
import dev.scalability.requestqueue.ServerErrorBreaker;
import dev.scalability.requestqueue.Waiter;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What admitting a request costs when a slot is free, the common case: take a permit, give
 * it back. The queue (with its deadline bookkeeping, the breaker off) against what a user
 * would use instead: a Resilience4j semaphore bulkhead, Netflix concurrency-limits'
 * {@code SimpleLimiter}, and a bare {@link Semaphore} as the floor. Each allows 64 at once,
 * more than the threads, so nothing ever waits.
 * <p>
 * {@code oneThread}, {@code twoThreads} and {@code eightThreads} are the same measurement;
 * more threads show what contention on the shared state costs, and more threads than cores
 * (as a servlet container has) what a thread descheduled in the middle of it costs.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class RequestQueueBenchmark {

	private static final int LIMIT = 64;

	@Benchmark
	@Threads(1)
	public boolean oneThread(Admitter admitter) {
		return admitter.admitter.admitAndRelease();
	}

	@Benchmark
	@Threads(2)
	public boolean twoThreads(Admitter admitter) {
		return admitter.admitter.admitAndRelease();
	}

	@Benchmark
	@Threads(8)
	public boolean eightThreads(Admitter admitter) {
		return admitter.admitter.admitAndRelease();
	}

	/**
	 * Takes a slot and gives it back.
	 */
	interface Admission {

		boolean admitAndRelease();

	}

	@State(Scope.Benchmark)
	public static class Admitter {

		@Param({ "request-queue", "resilience4j-bulkhead", "concurrency-limits", "semaphore" })
		public String implementation;

		Admission admitter;

		@Setup
		public void setUp() {
			this.admitter = switch (this.implementation) {
				case "request-queue" -> requestQueue();
				case "resilience4j-bulkhead" -> bulkhead();
				case "concurrency-limits" -> concurrencyLimits();
				case "semaphore" -> semaphore();
				default -> throw new IllegalArgumentException(this.implementation);
			};
		}

		private static Admission requestQueue() {
			RequestQueue queue = new RequestQueue(
					new RequestQueueSettings(1000, Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofMillis(5),
							Duration.ofMillis(100), 1.0),
					ConcurrencyLimit.fixed(LIMIT), ServerErrorBreaker.NONE, () -> 0, RequestQueueObserver.NONE,
					System::nanoTime);
			Waiter never = new Waiter() {

				@Override
				public void admitted(Permit permit) {
					throw new IllegalStateException("nothing waits in this benchmark");
				}

				@Override
				public void refused(Refusal refusal) {
					throw new IllegalStateException("nothing is refused in this benchmark");
				}

			};
			return () -> {
				if (queue.admit(Priority.MEDIUM, null, never) instanceof Permit permit) {
					permit.release(200);
					return true;
				}
				return false;
			};
		}

		private static Admission bulkhead() {
			Bulkhead bulkhead = Bulkhead.of("benchmark",
					BulkheadConfig.custom().maxConcurrentCalls(LIMIT).maxWaitDuration(Duration.ZERO).build());
			return () -> {
				if (bulkhead.tryAcquirePermission()) {
					bulkhead.onComplete();
					return true;
				}
				return false;
			};
		}

		private static Admission concurrencyLimits() {
			Limiter<Void> limiter = SimpleLimiter.newBuilder().limit(FixedLimit.of(LIMIT)).build();
			return () -> {
				Optional<Limiter.Listener> listener = limiter.acquire(null);
				if (listener.isPresent()) {
					listener.get().onSuccess();
					return true;
				}
				return false;
			};
		}

		private static Admission semaphore() {
			Semaphore semaphore = new Semaphore(LIMIT);
			return () -> {
				if (semaphore.tryAcquire()) {
					semaphore.release();
					return true;
				}
				return false;
			};
		}

	}

}
