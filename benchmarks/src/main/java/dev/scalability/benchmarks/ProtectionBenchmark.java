package dev.scalability.benchmarks;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import dev.scalability.protection.CallTimer;
import dev.scalability.protection.ProtectionPolicy;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.core.functions.CheckedSupplier;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a protected call costs when everything lets it through, the common case: a policy
 * of bulkhead, circuit breaker and retry (and one with a time limit too) against the same
 * Resilience4j parts decorated by hand, as a user would without the starter, and the bare
 * call as the floor. 8 threads on two cores.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
@Threads(8)
public class ProtectionBenchmark {

	@Benchmark
	public long bareCall(Calls calls) throws Throwable {
		return calls.target.get();
	}

	@Benchmark
	public long resilience4jDecorated(Calls calls) throws Throwable {
		return calls.decorated.get();
	}

	@Benchmark
	public long protectionPolicy(Calls calls) throws Throwable {
		return calls.policy.execute(calls.target::get);
	}

	@Benchmark
	public long protectionPolicyWithTimeLimit(Calls calls) throws Throwable {
		return calls.timed.execute(calls.target::get);
	}

	@State(Scope.Benchmark)
	public static class Calls {

		private long counter;

		CheckedSupplier<Long> target;

		CheckedSupplier<Long> decorated;

		ProtectionPolicy policy;

		ProtectionPolicy timed;

		private CallTimer timer;

		@Setup(Level.Trial)
		public void setUp() {
			this.target = () -> ++this.counter;
			this.decorated = Bulkhead.decorateCheckedSupplier(bulkhead("r4j"),
					CircuitBreaker.decorateCheckedSupplier(breaker("r4j"),
							Retry.decorateCheckedSupplier(retry("r4j"), this.target)));
			this.policy = ProtectionPolicy.named("policy")
				.bulkhead(bulkhead("policy"))
				.circuitBreaker(breaker("policy"))
				.retry(retry("policy"))
				.build();
			this.timer = new CallTimer();
			this.timed = ProtectionPolicy.named("timed")
				.bulkhead(bulkhead("timed"))
				.timeout(Duration.ofSeconds(2), this.timer)
				.circuitBreaker(breaker("timed"))
				.retry(retry("timed"))
				.build();
		}

		@TearDown(Level.Trial)
		public void tearDown() {
			this.timer.close();
		}

		private static Bulkhead bulkhead(String name) {
			return Bulkhead.of(name, BulkheadConfig.custom().maxConcurrentCalls(64).build());
		}

		private static CircuitBreaker breaker(String name) {
			return CircuitBreaker.of(name, CircuitBreakerConfig.custom().slidingWindowSize(100).build());
		}

		private static Retry retry(String name) {
			return Retry.of(name, RetryConfig.custom().maxAttempts(3).build());
		}

	}

}
