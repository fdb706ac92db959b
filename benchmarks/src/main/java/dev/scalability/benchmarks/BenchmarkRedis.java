package dev.scalability.benchmarks;

import java.util.Map;
import java.util.TreeMap;

import dev.scalability.test.redis.RedisEndpoint;
import dev.scalability.test.redis.RedisServerProcess;

/**
 * The Redis a benchmark runs against: {@code SCALABILITY_TEST_REDIS_URL} when set,
 * otherwise a private {@code redis-server} started for the benchmark and stopped after it.
 * A benchmark never touches a Redis it was not given or did not start.
 */
final class BenchmarkRedis implements AutoCloseable {

	private static final String COMMAND_STAT_PREFIX = "cmdstat_";

	private final RedisServerProcess process;

	private final RedisEndpoint endpoint;

	private BenchmarkRedis(RedisServerProcess process, RedisEndpoint endpoint) {
		this.process = process;
		this.endpoint = endpoint;
	}

	static BenchmarkRedis start() {
		String url = System.getenv("SCALABILITY_TEST_REDIS_URL");
		if (url != null && !url.isBlank()) {
			return new BenchmarkRedis(null, RedisEndpoint.parse(url));
		}
		RedisServerProcess process = RedisServerProcess.start();
		return new BenchmarkRedis(process, process.endpoint());
	}

	RedisEndpoint endpoint() {
		return this.endpoint;
	}

	/**
	 * Server-side statistics, to count the commands a benchmark sent.
	 * @return the {@code INFO commandstats} fields, or an empty map for a Redis given by URL
	 */
	Map<String, String> commandStats() {
		return (this.process != null) ? this.process.info("commandstats") : Map.of();
	}

	/**
	 * How many times the server ran each command so far, commands run by scripts included.
	 * @return calls by command name ({@code get}, {@code evalsha}, {@code client|setinfo}),
	 * or an empty map for a Redis given by URL
	 */
	Map<String, Long> commandCalls() {
		Map<String, Long> calls = new TreeMap<>();
		commandStats().forEach((field, value) -> {
			if (field.startsWith(COMMAND_STAT_PREFIX)) {
				calls.put(field.substring(COMMAND_STAT_PREFIX.length()), callsOf(value));
			}
		});
		return calls;
	}

	private static long callsOf(String stat) {
		for (String part : stat.split(",")) {
			if (part.startsWith("calls=")) {
				return Long.parseLong(part.substring("calls=".length()));
			}
		}
		return 0;
	}

	/**
	 * Empties the private server between two contenders, so that neither finds the
	 * other's keys.
	 * @throws IllegalStateException for a Redis given by URL, which a benchmark never
	 * empties
	 */
	void flushAll() {
		if (this.process == null) {
			throw new IllegalStateException("A Redis given by SCALABILITY_TEST_REDIS_URL is never emptied");
		}
		this.process.flushAll();
	}

	@Override
	public void close() {
		if (this.process != null) {
			this.process.close();
		}
	}

}
