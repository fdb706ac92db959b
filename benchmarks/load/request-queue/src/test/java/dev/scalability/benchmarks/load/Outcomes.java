package dev.scalability.benchmarks.load;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.LongAdder;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.Session;

import static io.gatling.javaapi.core.CoreDsl.exec;

/**
 * Counts what each request of a simulation ended with, by request name: {@code ok} (200 in
 * time), {@code late} (200, but after the client's timeout), {@code 503:<reason>} (the
 * {@code reason} member of the problem), {@code status:<code>} for any other status,
 * {@code timeout} (no answer within the client's timeout) and {@code error} (no answer,
 * failed sooner: a refused or reset connection). Gatling's own
 * statistics only tell OK from KO; these say why. Written as a TSV file at the end of the run.
 */
final class Outcomes {

	private static final String STARTED = "outcomes.started";

	private static final Map<String, LongAdder> COUNTS = new ConcurrentHashMap<>();

	private static final Map<String, Queue<Long>> SERVED_MICROS = new ConcurrentHashMap<>();

	private Outcomes() {
	}

	/**
	 * Marks when the request is sent, to tell a timeout from a connection error afterwards.
	 * @return the step
	 */
	static ChainBuilder start() {
		return exec(session -> session.set(STARTED, System.nanoTime()));
	}

	/**
	 * Counts the outcome of the request just made, from the status and reason its checks
	 * saved, then clears them and the failed mark, so that the next request of the same
	 * virtual user (the snapshots of the queue) starts clean.
	 * @param name the request's name
	 * @param timeoutMillis the client's timeout
	 * @return the step
	 */
	static ChainBuilder record(String name, long timeoutMillis) {
		return exec(session -> {
			String outcome = outcome(session, timeoutMillis);
			count(name, outcome);
			if (outcome.equals("ok")) {
				long micros = (System.nanoTime() - session.getLong(STARTED)) / 1_000;
				SERVED_MICROS.computeIfAbsent(name, (key) -> new ConcurrentLinkedQueue<>()).add(micros);
			}
			return session.removeAll("status", "reason").markAsSucceeded();
		});
	}

	private static String outcome(Session session, long timeoutMillis) {
		if (session.contains("status")) {
			int status = session.getInt("status");
			if (status == 200) {
				// Failed with a 200: the response-time check, an answer after the timeout.
				return session.isFailed() ? "late" : "ok";
			}
			if (status == 503) {
				return "503:" + (session.contains("reason") ? session.getString("reason") : "none");
			}
			return "status:" + status;
		}
		long elapsedMillis = (System.nanoTime() - session.getLong(STARTED)) / 1_000_000;
		// Gatling's timeout fires on a timer wheel: allow for its tick.
		return (elapsedMillis >= timeoutMillis - 100) ? "timeout" : "error";
	}

	static void count(String name, String outcome) {
		COUNTS.computeIfAbsent(name + "\t" + outcome, (key) -> new LongAdder()).increment();
	}

	/**
	 * Writes {@code name<TAB>outcome<TAB>count} lines to {@code outcomes.tsv}, and
	 * {@code name<TAB>served<TAB>p50 ms<TAB>p99 ms} lines to {@code served-latency.tsv}: the
	 * latency of the 200s as timed around the request by this class (nearest rank), a
	 * cross-check of Gatling's own figures.
	 * @param directory where
	 */
	static void write(Path directory) {
		Map<String, Long> sorted = new TreeMap<>();
		COUNTS.forEach((key, count) -> sorted.put(key, count.sum()));
		StringBuilder text = new StringBuilder();
		sorted.forEach((key, count) -> text.append(key).append('\t').append(count).append('\n'));
		write(directory.resolve("outcomes.tsv"), text);
		StringBuilder latencies = new StringBuilder();
		new TreeMap<>(SERVED_MICROS).forEach((name, queue) -> {
			long[] micros = queue.stream().mapToLong(Long::longValue).sorted().toArray();
			latencies.append(String.format(Locale.ROOT, "%s\t%d\t%.1f\t%.1f%n", name, micros.length,
					rank(micros, 0.50) / 1000.0, rank(micros, 0.99) / 1000.0));
		});
		write(directory.resolve("served-latency.tsv"), latencies);
	}

	private static long rank(long[] sorted, double quantile) {
		if (sorted.length == 0) {
			return 0;
		}
		int index = (int) Math.ceil(quantile * sorted.length) - 1;
		return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
	}

	private static void write(Path file, CharSequence text) {
		try {
			Files.createDirectories(file.toAbsolutePath().getParent());
			Files.writeString(file, text, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
