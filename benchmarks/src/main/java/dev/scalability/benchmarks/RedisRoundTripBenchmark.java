package dev.scalability.benchmarks;

import java.util.concurrent.TimeUnit;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
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
 * The ceiling every Redis-backed feature is measured against: one {@code PING} round trip
 * through one shared Lettuce connection, from 32 callers at once, on this machine.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
@Fork(1)
@Threads(32)
@State(Scope.Benchmark)
public class RedisRoundTripBenchmark {

	private BenchmarkRedis redis;

	private RedisClient client;

	private StatefulRedisConnection<String, String> connection;

	private RedisCommands<String, String> commands;

	@Setup(Level.Trial)
	public void start() {
		this.redis = BenchmarkRedis.start();
		this.client = RedisClient.create(this.redis.endpoint().url());
		this.connection = this.client.connect();
		this.commands = this.connection.sync();
	}

	@TearDown(Level.Trial)
	public void stop() {
		this.connection.close();
		this.client.shutdown();
		this.redis.close();
	}

	@Benchmark
	public String ping() {
		return this.commands.ping();
	}

}
