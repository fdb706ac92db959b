package dev.scalability.sample;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The sample application in a JVM of its own, as it runs in production, so that it can be
 * sent a real SIGTERM.
 */
final class SampleProcess implements AutoCloseable {

	private static final Pattern STARTED = Pattern.compile("started on port (\\d+)");

	private final Process process;

	private final StringBuffer output = new StringBuffer();

	private final CompletableFuture<Integer> port = new CompletableFuture<>();

	private final Thread reader;

	private SampleProcess(Process process) {
		this.process = process;
		this.reader = new Thread(this::read, "sample-output");
		this.reader.setDaemon(true);
		this.reader.start();
	}

	/**
	 * Starts the sample on a free port.
	 * @param java the {@code java} executable
	 * @param arguments arguments of the application, such as {@code --name=value}
	 * @return the running sample
	 */
	static SampleProcess start(Path java, String... arguments) {
		List<String> command = new ArrayList<>(List.of(java.toString(), "-Xmx256m", "-cp",
				System.getProperty("java.class.path"), SampleApplication.class.getName(), "--server.port=0"));
		command.addAll(List.of(arguments));
		try {
			return new SampleProcess(new ProcessBuilder(command).redirectErrorStream(true).start());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * The {@code java} executable of this JVM.
	 * @return its path
	 */
	static Path currentJava() {
		return Path.of(ProcessHandle.current().info().command().orElseThrow());
	}

	private void read() {
		try (BufferedReader lines = new BufferedReader(
				new InputStreamReader(this.process.getInputStream(), StandardCharsets.UTF_8))) {
			String line;
			while ((line = lines.readLine()) != null) {
				this.output.append(line).append('\n');
				Matcher started = STARTED.matcher(line);
				if (started.find()) {
					this.port.complete(Integer.parseInt(started.group(1)));
				}
			}
		}
		catch (IOException ex) {
			// The process is gone.
		}
		this.port.completeExceptionally(new IllegalStateException("the sample stopped before it started:\n" + this.output));
	}

	/**
	 * Waits until the sample serves requests.
	 * @param timeout how long at most
	 * @return its port
	 */
	int awaitPort(Duration timeout) {
		try {
			return this.port.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (Exception ex) {
			throw new IllegalStateException("the sample did not start:\n" + this.output, ex);
		}
	}

	/**
	 * Sends SIGTERM, as Kubernetes does to stop a pod.
	 */
	void terminate() {
		// Through the handle: Process#destroy would also close the pipe of its output.
		this.process.toHandle().destroy();
	}

	/**
	 * Waits for the process to end.
	 * @param timeout how long at most
	 * @return whether it ended
	 */
	boolean awaitExit(Duration timeout) throws InterruptedException {
		boolean exited = this.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
		if (exited) {
			// Everything it wrote is read once its output ends.
			this.reader.join(timeout.toMillis());
		}
		return exited;
	}

	String output() {
		return this.output.toString();
	}

	@Override
	public void close() {
		this.process.destroyForcibly();
	}

}
