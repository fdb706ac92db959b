package dev.scalability.benchmarks.load;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * What a simulation is run with, from environment variables (the Maven plugin forks
 * Gatling's JVM, which inherits the environment): set by request-queue-overload.sh.
 */
record Settings(String baseUrl, int cpuMillis, Duration timeout, double capacity, List<Double> multipliers,
		Duration warmUp, double warmUpMultiplier, Duration phase, Duration gap, double priorityRate,
		int concurrency, Duration measure, Path outputDirectory, long servicePid) {

	static Settings fromEnvironment() {
		return new Settings(text("RQ_BASE_URL", "http://127.0.0.1:8080"), (int) number("RQ_CPU_MS", 20),
				Duration.ofMillis((long) number("RQ_TIMEOUT_MS", 2000)), number("RQ_CAPACITY", 50),
				Arrays.stream(text("RQ_MULTIPLIERS", "1").trim().split("[ ,]+")).map(Double::parseDouble).toList(),
				seconds("RQ_WARMUP_S", 20), number("RQ_WARMUP_MULTIPLIER", 0.8), seconds("RQ_PHASE_S", 30),
				seconds("RQ_GAP_S", 6), number("RQ_PRIORITY_RATE", 5), (int) number("RQ_CONCURRENCY", 4),
				seconds("RQ_MEASURE_S", 15), Path.of(text("RQ_OUT_DIR", "target/rq-out")),
				(long) number("RQ_SERVICE_PID", -1));
	}

	String cpuPath() {
		return "/api/cpu?ms=" + this.cpuMillis;
	}

	/**
	 * A multiplier as the requests of its phase are named: 0.5x, 1x, 10x.
	 * @param multiplier the multiplier
	 * @return its label
	 */
	static String label(double multiplier) {
		return ((multiplier == Math.rint(multiplier)) ? Long.toString((long) multiplier) : Double.toString(multiplier))
				+ "x";
	}

	private static String text(String name, String fallback) {
		String value = System.getenv(name);
		return (value == null || value.isBlank()) ? fallback : value.trim();
	}

	private static double number(String name, double fallback) {
		return Double.parseDouble(text(name, Double.toString(fallback)));
	}

	private static Duration seconds(String name, double fallback) {
		return Duration.ofMillis(Math.round(number(name, fallback) * 1000));
	}

}
