package dev.scalability.test.redis;

import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A private {@code redis-server} child process for one test (or test class), with fault injection: crash
 * ({@link #stop()}), restart on the same port, freeze, client pause and a busy server.
 * <p>
 * It listens on 127.0.0.1 only, persists nothing, keeps its files in its own temporary directory and is killed at JVM
 * exit if not closed before.
 */
public final class RedisServerProcess implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(RedisServerProcess.class);

	private static final String LOOPBACK = "127.0.0.1";

	private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

	/** How long a PING may stay unanswered before the server counts as busy in {@link #debugSleep(Duration)}. */
	private static final Duration BUSY_PROBE_WAIT = Duration.ofMillis(150);

	private static final Duration STARTUP_PROBE_TIMEOUT = Duration.ofMillis(500);

	private static final StringCodec CODEC = StringCodec.UTF8;

	private final int port;

	private final Path directory;

	private final Path logFile;

	private final List<String> command;

	private final Duration startupTimeout;

	private final RedisAdmin admin;

	/** Short timeout: during start-up a silent port is retried rather than waited on. */
	private final RedisAdmin startupProbe;

	private volatile Process process;

	private boolean closed;

	private RedisServerProcess(int port, Builder options) {
		this.port = port;
		this.directory = Directories.createTemp("redis-test-" + port + "-");
		this.logFile = this.directory.resolve("redis.log");
		this.startupTimeout = options.startupTimeout;
		this.command = commandLine(port, this.directory, options);
		this.admin = new RedisAdmin(endpoint(), RedisAdmin.DEFAULT_TIMEOUT);
		this.startupProbe = new RedisAdmin(endpoint(), STARTUP_PROBE_TIMEOUT);
		ProcessReaper.atExit(this, this::killAtExit);
	}

	private static List<String> commandLine(int port, Path directory, Builder options) {
		List<String> command = new ArrayList<>(List.of("redis-server", "--port", Integer.toString(port), "--bind",
				LOOPBACK, "--save", "", "--appendonly", "no", "--enable-debug-command", "local", "--dir",
				directory.toString(), "--daemonize", "no"));
		if (options.clusterNodeTimeout != null) {
			// The config file stays in the directory across stop/restart, so a restarted node rejoins its cluster.
			command.addAll(List.of("--cluster-enabled", "yes", "--cluster-config-file",
					directory.resolve("nodes-" + port + ".conf").toString(), "--cluster-node-timeout",
					Long.toString(options.clusterNodeTimeout.toMillis())));
		}
		command.addAll(options.extraArgs);
		return List.copyOf(command);
	}

	/** Starts a server on a free port. */
	public static RedisServerProcess start() {
		return builder().start();
	}

	/** Starts a server on the given port; fails if it is taken. */
	public static RedisServerProcess start(int port) {
		return builder().port(port).start();
	}

	public static Builder builder() {
		return new Builder();
	}

	public RedisEndpoint endpoint() {
		return new RedisEndpoint(LOOPBACK, this.port);
	}

	public int port() {
		return this.port;
	}

	/** The process id of the current (or, once stopped, the last) server process. */
	public long pid() {
		Process current = this.process;
		if (current == null) {
			throw new IllegalStateException("Not started: " + this);
		}
		return current.pid();
	}

	/** Whether the process is alive; a {@link #freeze() frozen} server is alive. */
	public boolean isRunning() {
		Process current = this.process;
		return current != null && current.isAlive();
	}

	/** Kills the server without warning (SIGKILL), like a crash; {@link #restart()} brings it back. */
	public synchronized void stop() {
		Process current = this.process;
		if (current == null || !current.isAlive()) {
			return;
		}
		// Forked children (RDB transfer to a replica) would otherwise outlive their parent.
		current.descendants().forEach(ProcessHandle::destroyForcibly);
		current.destroyForcibly();
		try {
			if (!current.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
				throw new IllegalStateException("redis-server pid " + current.pid() + " survived SIGKILL for "
						+ STOP_TIMEOUT);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while stopping " + this, ex);
		}
		logger.debug("Stopped {}", this);
	}

	/**
	 * Starts the server again on the same port with the same arguments and waits until it answers PING. A running
	 * server is {@link #stop() stopped} first. The data is gone (nothing is persisted); a cluster node keeps its
	 * cluster config file and rejoins.
	 */
	public synchronized void restart() {
		ensureOpen();
		stop();
		launch();
	}

	/** Suspends the process (SIGSTOP): connections stay open but nothing is answered until {@link #thaw()}. */
	public void freeze() {
		UnixSignals.stop(runningPid());
		logger.debug("Froze {}", this);
	}

	/** Resumes a {@link #freeze() frozen} process (SIGCONT). */
	public void thaw() {
		UnixSignals.resume(runningPid());
		logger.debug("Thawed {}", this);
	}

	/**
	 * {@code CLIENT PAUSE <ms> ALL}: every client command waits until the pause is over. Returns once the pause is in
	 * force.
	 */
	public void pauseClients(Duration duration) {
		this.admin.call((commands) -> commands.dispatch(CommandType.CLIENT, new StatusOutput<>(CODEC),
				new CommandArgs<>(CODEC).add("PAUSE").add(duration.toMillis()).add("ALL")));
	}

	/**
	 * {@code DEBUG SLEEP}: the server is busy (answers nothing) for the duration. Returns once the server is
	 * observably busy, without waiting for the sleep to end; the returned future completes when it has.
	 */
	public CompletableFuture<Void> debugSleep(Duration duration) {
		Duration sleeperTimeout = duration.plus(RedisAdmin.DEFAULT_TIMEOUT);
		StatefulRedisConnection<String, String> sleeper = this.admin.connect(sleeperTimeout);
		StatefulRedisConnection<String, String> probe;
		try {
			// Opened before the sleep starts: a connection handshake would itself block on a sleeping server.
			probe = this.admin.connect(sleeperTimeout);
		}
		catch (RuntimeException ex) {
			sleeper.closeAsync();
			throw ex;
		}
		String seconds = String.format(Locale.ROOT, "%.3f", duration.toMillis() / 1000.0);
		RedisFuture<String> sleeping = sleeper.async()
			.dispatch(CommandType.DEBUG, new StatusOutput<>(CODEC), new CommandArgs<>(CODEC).add("SLEEP").add(seconds));
		try {
			awaitBusy(probe, sleeping, sleeperTimeout);
		}
		catch (RuntimeException ex) {
			sleeper.closeAsync();
			throw ex;
		}
		finally {
			probe.close();
		}
		// Completes once the sleeper connection is closed too, so closing this server right after is clean.
		CompletableFuture<Void> finished = new CompletableFuture<>();
		sleeping.whenComplete((reply, failure) -> sleeper.closeAsync().whenComplete((closed, closeFailure) -> {
			if (failure != null) {
				finished.completeExceptionally(failure);
			}
			else {
				finished.complete(null);
			}
		}));
		return finished;
	}

	/**
	 * The DEBUG SLEEP is only written to the socket when dispatched; until the server executes it, a command from the
	 * caller could still be served first. A PING that goes unanswered proves the sleep has begun.
	 */
	private void awaitBusy(StatefulRedisConnection<String, String> probe, RedisFuture<String> sleeping,
			Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (!sleeping.isDone() && System.nanoTime() - deadline < 0) {
			RedisFuture<String> ping = probe.async().ping();
			try {
				ping.get(BUSY_PROBE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
			}
			catch (TimeoutException ex) {
				return;
			}
			catch (ExecutionException ex) {
				throw new IllegalStateException("Could not probe " + this + " while it should sleep", ex.getCause());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

	public void flushAll() {
		this.admin.call(RedisCommands::flushall);
	}

	/** {@code INFO <section>} as key/value pairs, e.g. {@code info("server").get("tcp_port")}. */
	public Map<String, String> info(String section) {
		return this.admin.info(section);
	}

	/** Stops the server for good and deletes its directory. */
	@Override
	public synchronized void close() {
		if (this.closed) {
			return;
		}
		this.closed = true;
		try {
			stop();
		}
		finally {
			Directories.deleteQuietly(this.directory);
			ProcessReaper.forget(this);
		}
	}

	RedisAdmin admin() {
		return this.admin;
	}

	@Override
	public String toString() {
		Process current = this.process;
		String pid = (current != null) ? " (pid " + current.pid() + ")" : "";
		return "redis-server on " + LOOPBACK + ":" + this.port + pid;
	}

	private synchronized void launch() {
		int logLengthBefore = Directories.readQuietly(this.logFile).length();
		Process started;
		try {
			started = new ProcessBuilder(this.command).directory(this.directory.toFile())
				.redirectErrorStream(true)
				.redirectOutput(Redirect.appendTo(this.logFile.toFile()))
				.start();
		}
		catch (IOException ex) {
			throw new IllegalStateException("Could not run redis-server; is it installed and on the PATH?", ex);
		}
		this.process = started;
		boolean answered = Polling.until(this.startupTimeout,
				() -> !started.isAlive() || answersAsThisProcess(started));
		if (started.isAlive() && answered) {
			logger.debug("Started {}", this);
			return;
		}
		String log = Directories.readQuietly(this.logFile);
		String newLog = (log.length() >= logLengthBefore) ? log.substring(logLengthBefore) : log;
		if (started.isAlive()) {
			stop();
			throw new IllegalStateException("redis-server on port " + this.port + " did not answer PING within "
					+ this.startupTimeout + ". Command: " + this.command + "\nIts log:\n" + newLog);
		}
		String problem = "redis-server on port " + this.port + " exited with code " + started.exitValue()
				+ " before answering PING. Command: " + this.command + "\nIts log:\n" + newLog;
		if (newLog.contains("Address already in use")) {
			throw new PortInUseException(problem);
		}
		throw new IllegalStateException(problem);
	}

	/**
	 * Another server may hold the port (a race with another build): only a PING answered by our own process counts.
	 */
	private boolean answersAsThisProcess(Process started) {
		try {
			Map<String, String> server = this.startupProbe.info("server");
			return Long.toString(started.pid()).equals(server.get("process_id"));
		}
		catch (RuntimeException ex) {
			return false;
		}
	}

	private long runningPid() {
		Process current = this.process;
		if (current == null || !current.isAlive()) {
			throw new IllegalStateException("Not running: " + this);
		}
		return current.pid();
	}

	private void ensureOpen() {
		if (this.closed) {
			throw new IllegalStateException("Closed: " + this);
		}
	}

	/** Runs in the shutdown hook: no locking, a test thread may hold the monitor. */
	private void killAtExit() {
		Process current = this.process;
		if (current != null && current.isAlive()) {
			current.descendants().forEach(ProcessHandle::destroyForcibly);
			current.destroyForcibly();
		}
		Directories.deleteQuietly(this.directory);
	}

	/** How to start a server: port, cluster mode, extra {@code redis-server} arguments. */
	public static final class Builder {

		private static final int PORT_ATTEMPTS = 5;

		private Integer port;

		private final List<String> extraArgs = new ArrayList<>();

		private Duration clusterNodeTimeout;

		private Duration startupTimeout = Duration.ofSeconds(15);

		private Builder() {
		}

		/** A fixed port; without it a free one is picked (and another one tried if it is taken meanwhile). */
		public Builder port(int port) {
			this.port = port;
			return this;
		}

		/** Extra {@code redis-server} arguments, e.g. {@code args("--maxmemory", "10mb")}. */
		public Builder args(String... args) {
			this.extraArgs.addAll(Arrays.asList(args));
			return this;
		}

		/** Cluster mode with a config file in the server's own directory. */
		public Builder clusterEnabled(Duration nodeTimeout) {
			this.clusterNodeTimeout = Objects.requireNonNull(nodeTimeout);
			return this;
		}

		/** How long to wait for the first PING (default 15 s). */
		public Builder startupTimeout(Duration startupTimeout) {
			this.startupTimeout = Objects.requireNonNull(startupTimeout);
			return this;
		}

		public RedisServerProcess start() {
			for (int attempt = 1;; attempt++) {
				int chosenPort = (this.port != null) ? this.port : FreePorts.pick(this.clusterNodeTimeout != null);
				RedisServerProcess server = new RedisServerProcess(chosenPort, this);
				try {
					server.launch();
					return server;
				}
				catch (PortInUseException ex) {
					server.close();
					if (this.port != null || attempt >= PORT_ATTEMPTS) {
						throw ex;
					}
					logger.debug("Port {} was taken meanwhile, trying another", chosenPort);
				}
				catch (RuntimeException ex) {
					server.close();
					throw ex;
				}
			}
		}

	}

	private static final class PortInUseException extends IllegalStateException {

		PortInUseException(String message) {
			super(message);
		}

	}

}
