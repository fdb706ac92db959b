package dev.scalability.benchmarks;

import java.io.File;
import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The PostgreSQL a benchmark runs against: a private server started for the benchmark on a
 * free port of the loopback interface, with its data in a new temporary directory, stopped
 * and deleted after it. A benchmark never touches a database it did not start.
 * <p>
 * {@code initdb}, {@code postgres} and {@code pg_ctl} come from the {@code PATH}. PostgreSQL
 * refuses to run as root: as root, they run as the {@code postgres} user. The server keeps
 * every default ({@code fsync}, {@code synchronous_commit}, {@code shared_buffers}...) but
 * where it listens: {@link #settings()} tells them.
 */
final class BenchmarkPostgres implements AutoCloseable {

	static final String USER = "bench";

	private static final String DATABASE = "postgres";

	private static final String SYSTEM_USER = "postgres";

	private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);

	private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

	private static final int START_ATTEMPTS = 3;

	/**
	 * The settings {@link #settings()} reports: those that decide what a commit costs.
	 */
	private static final List<String> REPORTED_SETTINGS = List.of("fsync", "synchronous_commit", "full_page_writes",
			"wal_level", "wal_sync_method", "shared_buffers", "max_connections");

	private final Path directory;

	private final Path dataDirectory;

	private final List<String> asOwner;

	private final Thread stopAtExit;

	private int port;

	private Process process;

	private BenchmarkPostgres(Path directory, List<String> asOwner) {
		this.directory = directory;
		this.dataDirectory = directory.resolve("data");
		this.asOwner = asOwner;
		this.stopAtExit = new Thread(this::stopQuietly, "benchmark-postgres-stop");
	}

	/**
	 * Creates a database cluster in a temporary directory and starts a server on it.
	 * @return the running server
	 * @throws IllegalStateException when the server cannot be created or started
	 */
	static BenchmarkPostgres start() {
		List<String> asOwner = "root".equals(System.getProperty("user.name"))
				? List.of("runuser", "-u", SYSTEM_USER, "--") : List.of();
		BenchmarkPostgres postgres;
		try {
			Path directory = Files.createTempDirectory("benchmark-postgres-");
			if (!asOwner.isEmpty()) {
				UserPrincipalLookupService users = directory.getFileSystem().getUserPrincipalLookupService();
				Files.setOwner(directory, users.lookupPrincipalByName(SYSTEM_USER));
			}
			postgres = new BenchmarkPostgres(directory, asOwner);
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot prepare a directory for PostgreSQL (as root, the '" + SYSTEM_USER
					+ "' user must exist): " + ex.getMessage(), ex);
		}
		Runtime.getRuntime().addShutdownHook(postgres.stopAtExit);
		try {
			postgres.initdb();
			postgres.launch();
			return postgres;
		}
		catch (RuntimeException ex) {
			postgres.close();
			throw ex;
		}
	}

	String jdbcUrl() {
		return "jdbc:postgresql://127.0.0.1:" + this.port + "/" + DATABASE;
	}

	Connection connect() throws SQLException {
		return DriverManager.getConnection(jdbcUrl(), USER, "");
	}

	/**
	 * Runs statements, each in its own transaction.
	 * @param statements the SQL statements
	 */
	void execute(String... statements) {
		try (Connection connection = connect(); Statement statement = connection.createStatement()) {
			for (String sql : statements) {
				statement.execute(sql);
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException("PostgreSQL refused a statement: " + ex.getMessage(), ex);
		}
	}

	/**
	 * The server's version and the settings that decide what a commit costs, with the file
	 * system its data is on.
	 * @return a line such as {@code PostgreSQL 15.20, fsync=on, synchronous_commit=on, ...}
	 */
	String settings() {
		Map<String, String> settings = new LinkedHashMap<>();
		try (Connection connection = connect(); Statement statement = connection.createStatement()) {
			settings.put("version", single(statement, "show server_version"));
			for (String name : REPORTED_SETTINGS) {
				settings.put(name, single(statement, "show " + name));
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Cannot read PostgreSQL's settings: " + ex.getMessage(), ex);
		}
		StringBuilder line = new StringBuilder("PostgreSQL ").append(settings.remove("version"));
		settings.forEach((name, value) -> line.append(", ").append(name).append('=').append(value));
		line.append(", data on ").append(fileSystem());
		return line.toString();
	}

	/**
	 * Transactions committed in the benchmark's database so far, by the server's
	 * statistics: each backend reports them at most once a second, so a difference over a
	 * window of a few seconds is close, not exact.
	 * @return the committed transactions
	 */
	long transactions() {
		try (Connection connection = connect(); Statement statement = connection.createStatement()) {
			return Long.parseLong(single(statement,
					"select xact_commit from pg_stat_database where datname = '" + DATABASE + "'"));
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Cannot read PostgreSQL's statistics: " + ex.getMessage(), ex);
		}
	}

	@Override
	public void close() {
		stopQuietly();
		try {
			Runtime.getRuntime().removeShutdownHook(this.stopAtExit);
		}
		catch (IllegalStateException ex) {
			// Closed while the JVM exits: the hook runs, or ran, anyway.
		}
	}

	private void initdb() {
		// --no-sync only spares initdb's own flush of the files it creates; the server's
		// settings stay at their defaults.
		List<String> command = command("initdb", "-D", this.dataDirectory.toString(), "-U", USER, "-A", "trust", "-E",
				"UTF8", "--no-locale", "--no-sync");
		Path log = this.directory.resolve("initdb.log");
		try {
			Process initdb = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(Redirect.to(log.toFile()))
				.start();
			if (!initdb.waitFor(2, TimeUnit.MINUTES) || initdb.exitValue() != 0) {
				initdb.destroyForcibly();
				throw new IllegalStateException("initdb failed: " + String.join(" ", command) + "\n" + read(log));
			}
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot run initdb (is PostgreSQL on the PATH?): " + ex.getMessage(), ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while initdb ran", ex);
		}
	}

	private void launch() {
		Path log = this.directory.resolve("postgres.log");
		for (int attempt = 1;; attempt++) {
			// A port found free may be taken before the server binds it: then another one.
			this.port = freePort();
			List<String> command = command("postgres", "-D", this.dataDirectory.toString(), "-p",
					Integer.toString(this.port), "-c", "listen_addresses=127.0.0.1", "-c",
					"unix_socket_directories=" + this.directory);
			try {
				this.process = new ProcessBuilder(command).redirectErrorStream(true)
					.redirectOutput(Redirect.appendTo(log.toFile()))
					.start();
			}
			catch (IOException ex) {
				throw new IllegalStateException(
						"Cannot start postgres (is PostgreSQL on the PATH?): " + ex.getMessage(), ex);
			}
			if (awaitConnections()) {
				return;
			}
			if (attempt == START_ATTEMPTS) {
				throw new IllegalStateException("PostgreSQL did not start: " + String.join(" ", command) + "\n"
						+ read(log));
			}
		}
	}

	/**
	 * Waits until the server takes connections.
	 * @return whether it does; {@code false} when it exited first
	 */
	private boolean awaitConnections() {
		long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
		SQLException last = null;
		while (System.nanoTime() - deadline < 0) {
			if (!this.process.isAlive()) {
				return false;
			}
			try (Connection connection = connect()) {
				return true;
			}
			catch (SQLException ex) {
				last = ex;
			}
			try {
				Thread.sleep(100);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("Interrupted while PostgreSQL started", ex);
			}
		}
		throw new IllegalStateException("PostgreSQL took no connection within " + STARTUP_TIMEOUT, last);
	}

	private synchronized void stopQuietly() {
		Process running = this.process;
		this.process = null;
		if (running != null && running.isAlive()) {
			try {
				// Fast shutdown: the server closes its connections and stops at once, cleanly.
				Process stop = new ProcessBuilder(command("pg_ctl", "stop", "-D", this.dataDirectory.toString(), "-m",
						"fast", "-w", "-t", Long.toString(STOP_TIMEOUT.toSeconds())))
					.redirectErrorStream(true)
					.redirectOutput(Redirect.DISCARD)
					.start();
				stop.waitFor(STOP_TIMEOUT.toSeconds() + 5, TimeUnit.SECONDS);
				if (!running.waitFor(5, TimeUnit.SECONDS)) {
					running.descendants().forEach(ProcessHandle::destroyForcibly);
					running.destroyForcibly();
				}
			}
			catch (IOException ex) {
				running.descendants().forEach(ProcessHandle::destroyForcibly);
				running.destroyForcibly();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				running.descendants().forEach(ProcessHandle::destroyForcibly);
				running.destroyForcibly();
			}
		}
		deleteDirectory();
	}

	private void deleteDirectory() {
		if (!Files.exists(this.directory)) {
			return;
		}
		try (Stream<Path> paths = Files.walk(this.directory)) {
			paths.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
		}
		catch (IOException ex) {
			System.err.println("Could not delete " + this.directory + ": " + ex.getMessage());
		}
	}

	private List<String> command(String executable, String... arguments) {
		List<String> command = new ArrayList<>(this.asOwner);
		command.add(onPath(executable));
		command.addAll(List.of(arguments));
		return command;
	}

	private String fileSystem() {
		try {
			return Files.getFileStore(this.dataDirectory).type() + " (" + this.directory.getParent() + ")";
		}
		catch (IOException ex) {
			return "an unknown file system (" + this.directory.getParent() + ")";
		}
	}

	private static String single(Statement statement, String query) throws SQLException {
		try (ResultSet result = statement.executeQuery(query)) {
			result.next();
			return result.getString(1);
		}
	}

	/**
	 * An executable's full path: {@code runuser} may not hand the {@code PATH} on.
	 */
	private static String onPath(String executable) {
		String path = System.getenv("PATH");
		if (path != null) {
			for (String directory : path.split(File.pathSeparator)) {
				Path candidate = Path.of(directory, executable);
				if (Files.isExecutable(candidate)) {
					return candidate.toString();
				}
			}
		}
		throw new IllegalStateException(executable + " is not on the PATH: install PostgreSQL's server "
				+ "(on Debian or Ubuntu: apt-get install postgresql) and put its bin directory on the PATH");
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new IllegalStateException("No free port on the loopback interface: " + ex.getMessage(), ex);
		}
	}

	private static String read(Path file) {
		try {
			return Files.readString(file, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			return "(" + file + " cannot be read: " + ex.getMessage() + ")";
		}
	}

}
