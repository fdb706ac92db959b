package dev.scalability.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import dev.scalability.test.redis.LettuceFactories;
import dev.scalability.test.redis.RedisServerProcess;
import dev.scalability.test.redis.TestRedis;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Health polled against a frozen Redis: every probe answers within its bound, and however
 * many there are, at most one connection attempt (one thread) is under way.
 */
class RedisConnectionProbeTests {

	private static final Duration TIMEOUT = Duration.ofMillis(200);

	private RedisServerProcess redis;

	private LettuceConnectionFactory connectionFactory;

	@BeforeEach
	void start() {
		TestRedis.requireRedisServerOnPath();
		this.redis = RedisServerProcess.start();
		this.connectionFactory = LettuceFactories.standalone(this.redis.endpoint());
	}

	@AfterEach
	void stop() {
		this.redis.thaw();
		this.connectionFactory.destroy();
		this.redis.close();
	}

	@Test
	void probingAFrozenRedisBeforeAnyConnectionPilesUpNoThreads() throws Exception {
		this.redis.freeze();
		SimpleAsyncTaskExecutor connectExecutor = new SimpleAsyncTaskExecutor("probe-test-connect-");
		connectExecutor.setDaemon(true);
		RedisConnectionProbe probe = new RedisConnectionProbe(new RedisConnector(this.connectionFactory,
				connectExecutor), TIMEOUT);
		ExecutorService pollers = Executors.newFixedThreadPool(8);
		try {
			List<Future<RedisConnectionState>> states = new ArrayList<>();
			for (int i = 0; i < 40; i++) {
				states.add(pollers.submit(probe::probe));
			}
			for (Future<RedisConnectionState> state : states) {
				assertThat(state.get().reachable()).isFalse();
			}
		}
		finally {
			pollers.shutdownNow();
		}
		assertThat(threadsNamed("probe-test-connect-")).isLessThanOrEqualTo(1);
	}

	@Test
	void probingAFrozenRedisOverAnOpenConnectionStartsNoThreadAtAll() throws Exception {
		SimpleAsyncTaskExecutor connectExecutor = new SimpleAsyncTaskExecutor("probe-open-connect-");
		connectExecutor.setDaemon(true);
		RedisConnectionProbe probe = new RedisConnectionProbe(new RedisConnector(this.connectionFactory,
				connectExecutor), TIMEOUT);
		assertThat(probe.probe().reachable()).isTrue();
		this.redis.freeze();
		for (int i = 0; i < 20; i++) {
			long start = System.nanoTime();
			assertThat(probe.probe().reachable()).isFalse();
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(TIMEOUT.multipliedBy(3));
		}
		assertThat(threadsNamed("probe-open-connect-")).isZero();
	}

	private static long threadsNamed(String prefix) {
		return Thread.getAllStackTraces().keySet().stream()
			.filter((thread) -> thread.getName().startsWith(prefix) && thread.isAlive())
			.count();
	}

}
