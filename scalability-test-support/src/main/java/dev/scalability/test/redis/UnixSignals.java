package dev.scalability.test.redis;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Stops and continues a process with SIGSTOP / SIGCONT through the {@code kill} command (Java has no API for these
 * signals). A frozen server keeps its sockets open but answers nothing: the closest thing to a hung host.
 */
final class UnixSignals {

	private static final Duration SIGNAL_TIMEOUT = Duration.ofSeconds(5);

	private UnixSignals() {
	}

	static void stop(long pid) {
		send("STOP", pid);
		awaitStopped(pid, true);
	}

	static void resume(long pid) {
		send("CONT", pid);
		awaitStopped(pid, false);
	}

	private static void send(String signal, long pid) {
		try {
			Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).redirectErrorStream(true)
				.start();
			String output = new String(kill.getInputStream().readAllBytes());
			if (kill.waitFor() != 0) {
				throw new IllegalStateException("kill -" + signal + " " + pid + " failed: " + output.strip());
			}
		}
		catch (IOException ex) {
			throw new IllegalStateException("Could not run kill -" + signal + " " + pid, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while sending SIG" + signal + " to " + pid, ex);
		}
	}

	/**
	 * Signal delivery is asynchronous; on Linux /proc tells when it took effect, so callers never race the kernel.
	 * Elsewhere the signal is trusted to land promptly.
	 */
	private static void awaitStopped(long pid, boolean stopped) {
		Path stat = Path.of("/proc", Long.toString(pid), "stat");
		if (!Files.exists(stat)) {
			return;
		}
		boolean reached = Polling.until(SIGNAL_TIMEOUT, () -> isStopped(stat) == stopped);
		if (!reached) {
			throw new IllegalStateException("Process " + pid + " did not become " + (stopped ? "stopped" : "running")
					+ " in " + SIGNAL_TIMEOUT);
		}
	}

	private static boolean isStopped(Path stat) {
		try {
			String content = Files.readString(stat);
			// Format: "pid (comm) state ..."; comm may contain spaces, so read after the last ')'.
			String afterCommand = content.substring(content.lastIndexOf(')') + 1).strip();
			char state = afterCommand.charAt(0);
			return state == 'T' || state == 't';
		}
		catch (IOException | RuntimeException ex) {
			return false;
		}
	}

}
