package dev.scalability.test.redis;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class RedisServerProcessTests {

	private RedisServerProcess server;

	@BeforeAll
	static void needsRedisServer() {
		TestRedis.requireRedisServerOnPath();
	}

	@BeforeEach
	void startServer() {
		this.server = RedisServerProcess.start();
	}

	@AfterEach
	void closeServer() {
		this.server.close();
	}

	@Test
	void startsOnAFreePortOtherThanTheSharedRedisAndAnswersPing() {
		assertThat(this.server.port()).isNotEqualTo(6379);
		assertThat(this.server.isRunning()).isTrue();
		assertThat(ping(this.server.endpoint())).isEqualTo("PONG");
		assertThat(this.server.info("server")).containsEntry("tcp_port", Integer.toString(this.server.port()))
			.containsEntry("process_id", Long.toString(this.server.pid()));
	}

	@Test
	void stoppedServerRefusesConnectionsAndRestartsOnTheSamePort() {
		int port = this.server.port();
		long firstPid = this.server.pid();

		this.server.stop();

		assertThat(this.server.isRunning()).isFalse();
		assertThatThrownBy(() -> LettuceTestClients.connect(this.server.endpoint(), Duration.ofSeconds(1)))
			.isInstanceOf(RedisConnectionException.class)
			.hasRootCauseInstanceOf(ConnectException.class);

		this.server.restart();

		assertThat(this.server.port()).isEqualTo(port);
		assertThat(this.server.pid()).isNotEqualTo(firstPid);
		assertThat(ping(this.server.endpoint())).isEqualTo("PONG");
	}

	@Test
	void frozenServerLetsCommandsTimeOutAndAnswersAgainAfterThaw() {
		try (StatefulRedisConnection<String, String> connection =
				LettuceTestClients.connect(this.server.endpoint(), Duration.ofMillis(300))) {
			RedisCommands<String, String> commands = connection.sync();
			assertThat(commands.ping()).isEqualTo("PONG");

			this.server.freeze();

			assertThat(this.server.isRunning()).isTrue();
			assertThatThrownBy(commands::ping).isInstanceOf(RedisCommandTimeoutException.class);

			this.server.thaw();

			await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(commands.ping()).isEqualTo("PONG"));
		}
	}

	@Test
	void writeIssuedDuringClientPauseCompletesOnlyAfterThePause() throws Exception {
		Duration pause = Duration.ofMillis(800);
		try (StatefulRedisConnection<String, String> connection =
				LettuceTestClients.connect(this.server.endpoint(), Duration.ofSeconds(5))) {
			long pauseRequested = System.nanoTime();
			this.server.pauseClients(pause);

			RedisFuture<String> write = connection.async().set("paused:key", "written");
			AtomicLong completed = new AtomicLong();
			write.thenRun(() -> completed.set(System.nanoTime()));

			assertThat(write.isDone()).isFalse();
			await().atMost(Duration.ofSeconds(5)).until(() -> completed.get() != 0);
			// The server started the pause after pauseRequested, so it ended at least `pause` after it.
			assertThat(Duration.ofNanos(completed.get() - pauseRequested)).isGreaterThanOrEqualTo(pause);
			assertThat(write.get()).isEqualTo("OK");
			assertThat(connection.sync().get("paused:key")).isEqualTo("written");
		}
	}

	@Test
	void debugSleepKeepsTheServerBusyWithoutBlockingTheCaller() {
		try (StatefulRedisConnection<String, String> connection =
				LettuceTestClients.connect(this.server.endpoint(), Duration.ofMillis(300))) {
			CompletableFuture<Void> sleep = this.server.debugSleep(Duration.ofSeconds(2));

			assertThat(sleep).isNotDone();
			assertThatThrownBy(connection.sync()::ping).isInstanceOf(RedisCommandTimeoutException.class);

			await().atMost(Duration.ofSeconds(5)).until(sleep::isDone);
			assertThat(sleep).isCompleted();
			await().atMost(Duration.ofSeconds(5))
				.untilAsserted(() -> assertThat(connection.sync().ping()).isEqualTo("PONG"));
		}
	}

	@Test
	void flushAllEmptiesTheServerAndInfoReportsItsKeys() {
		try (StatefulRedisConnection<String, String> connection =
				LettuceTestClients.connect(this.server.endpoint(), Duration.ofSeconds(2))) {
			connection.sync().set("a", "1");
			connection.sync().set("b", "2");
			assertThat(this.server.info("keyspace").get("db0")).startsWith("keys=2,");

			this.server.flushAll();

			assertThat(connection.sync().dbsize()).isZero();
			assertThat(this.server.info("keyspace")).doesNotContainKey("db0");
		}
	}

	@Test
	void closeStopsTheServerForGood() {
		long pid = this.server.pid();

		this.server.close();

		assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
		assertThat(FreePorts.isFree(this.server.port())).isTrue();
		assertThatIllegalStateException().isThrownBy(this.server::restart);
	}

	@Test
	void aServerThatCannotStartReportsItsLog() {
		assertThatIllegalStateException()
			.isThrownBy(() -> RedisServerProcess.builder().args("--no-such-directive", "1").start())
			.withMessageContaining("exited")
			.withMessageContaining("no-such-directive");
	}

	@Test
	void aTakenPortIsReportedWithTheServerLog() throws IOException {
		try (ServerSocket taken = new ServerSocket()) {
			taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));

			assertThatIllegalStateException().isThrownBy(() -> RedisServerProcess.start(taken.getLocalPort()))
				.withMessageContaining("Address already in use");
		}
	}

	private static String ping(RedisEndpoint endpoint) {
		try (StatefulRedisConnection<String, String> connection =
				LettuceTestClients.connect(endpoint, Duration.ofSeconds(2))) {
			return connection.sync().ping();
		}
	}

}
