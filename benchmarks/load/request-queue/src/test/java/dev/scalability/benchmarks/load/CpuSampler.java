package dev.scalability.benchmarks.load;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import io.gatling.javaapi.core.ChainBuilder;

import static io.gatling.javaapi.core.CoreDsl.exec;

/**
 * Where the CPU went during a window of a phase, from Linux's own accounting: the busy share
 * of each core ({@code /proc/stat}), and the CPU time of the service ({@code RQ_SERVICE_PID})
 * and of this Gatling JVM ({@code /proc/<pid>/stat}), each as a share of one core. With the
 * service pinned to core 1 and Gatling to core 0, it shows whether the service was
 * saturated, whether the client kept up, and whether anything else took the cores.
 */
final class CpuSampler {

	private static final Map<String, long[]> STARTS = new ConcurrentHashMap<>();

	private static final Map<String, String> RESULTS = new ConcurrentHashMap<>();

	private CpuSampler() {
	}

	static ChainBuilder begin(String name, long servicePid) {
		return exec(session -> {
			STARTS.put(name, sample(servicePid));
			return session;
		});
	}

	static ChainBuilder end(String name, long servicePid) {
		return exec(session -> {
			long[] start = STARTS.get(name);
			if (start != null) {
				long[] end = sample(servicePid);
				double seconds = (end[0] - start[0]) / 1e9;
				double ticksPerSecond = 100; // USER_HZ
				double core0 = share(end[1] - start[1], end[2] - start[2]);
				double core1 = share(end[3] - start[3], end[4] - start[4]);
				double service = (end[5] < 0 || start[5] < 0) ? Double.NaN
						: (end[5] - start[5]) / ticksPerSecond / seconds;
				double gatling = (end[6] - start[6]) / ticksPerSecond / seconds;
				RESULTS.put(name, String.format(java.util.Locale.ROOT, "%.3f\t%.3f\t%.3f\t%.3f\t%.1f", core0, core1,
						service, gatling, seconds));
			}
			return session;
		});
	}

	private static double share(long busy, long total) {
		return (total <= 0) ? Double.NaN : (double) busy / total;
	}

	/**
	 * {nanoTime, cpu0 busy, cpu0 total, cpu1 busy, cpu1 total, service ticks, own ticks}.
	 */
	private static long[] sample(long servicePid) {
		long[] sample = new long[7];
		sample[0] = System.nanoTime();
		try {
			for (String line : Files.readAllLines(Path.of("/proc/stat"))) {
				if (line.startsWith("cpu0 ")) {
					fillCore(line, sample, 1);
				}
				else if (line.startsWith("cpu1 ")) {
					fillCore(line, sample, 3);
				}
			}
		}
		catch (IOException ex) {
			// Not Linux: no core shares.
		}
		sample[5] = (servicePid > 0) ? processTicks(servicePid) : -1;
		sample[6] = processTicks(ProcessHandle.current().pid());
		return sample;
	}

	private static void fillCore(String line, long[] sample, int index) {
		String[] fields = line.trim().split("\\s+");
		long total = 0;
		for (int i = 1; i < fields.length && i <= 8; i++) {
			total += Long.parseLong(fields[i]);
		}
		long idle = Long.parseLong(fields[4]) + Long.parseLong(fields[5]);
		sample[index] = total - idle;
		sample[index + 1] = total;
	}

	private static long processTicks(long pid) {
		try {
			String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
			String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
			// utime and stime: fields 14 and 15 of the line, 12 and 13 after the name.
			return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
		}
		catch (IOException | RuntimeException ex) {
			return -1;
		}
	}

	/**
	 * Writes {@code window<TAB>core0<TAB>core1<TAB>service<TAB>gatling<TAB>seconds} lines,
	 * shares of one core.
	 * @param file where
	 */
	static void write(Path file) {
		StringBuilder text = new StringBuilder();
		new TreeMap<>(RESULTS).forEach((name, line) -> text.append(name).append('\t').append(line).append('\n'));
		try {
			Files.createDirectories(file.toAbsolutePath().getParent());
			Files.writeString(file, text, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
