package dev.scalability.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import dev.scalability.test.redis.PrivateRedis;
import dev.scalability.test.redis.RedisServerProcess;
import io.lettuce.core.AclCategory;
import io.lettuce.core.AclSetuserArgs;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Health polled against a frozen Redis: every probe answers fast (health must not make a
 * readiness probe time out), and however many there are, at most one connection attempt
 * (one thread) is under way. A Redis that forbids {@code INFO} is still up.
 */
class RedisConnectionProbeTests {

	private static final Duration TIMEOUT = Duration.ofMillis(1000);

	private static final Duration MAX_WAIT = Duration.ofMillis(100);

	private PrivateRedis privateRedis;

	private RedisServerProcess redis;

	private LettuceConnectionFactory connectionFactory;

	@BeforeEach
	void start() {
		this.privateRedis = PrivateRedis.start();
		this.redis = this.privateRedis.server();
		this.connectionFactory = this.privateRedis.connectionFactory();
	}

	@AfterEach
	void stop() {
		this.privateRedis.close();
	}

	@Test
	void aRedisWhoseAclForbidsInfoIsUpWithItsMemoryUnknown() {
		RedisClient admin = RedisClient.create(this.redis.endpoint().url());
		try (StatefulRedisConnection<String, String> connection = admin.connect()) {
			// A common hardening: everything but the dangerous commands, INFO among them.
			connection.sync()
				.aclSetuser("app", AclSetuserArgs.Builder.on()
					.addPassword("secret")
					.allKeys()
					.allCommands()
					.removeCategory(AclCategory.DANGEROUS));
		}
		finally {
			admin.shutdown();
		}
		RedisStandaloneConfiguration configuration = new RedisStandaloneConfiguration(this.redis.endpoint().host(),
				this.redis.endpoint().port());
		configuration.setUsername("app");
		configuration.setPassword("secret");
		LettuceConnectionFactory restricted = new LettuceConnectionFactory(configuration);
		restricted.afterPropertiesSet();
		restricted.start();
		try {
			RedisConnectionProbe probe = new RedisConnectionProbe(TestGuards.connector(restricted),
					Duration.ofSeconds(5), Duration.ofSeconds(5));
			RedisConnectionState state = probe.probe();
			assertThat(state.reachable()).isTrue();
			assertThat(state.memory()).isNull();
		}
		finally {
			restricted.destroy();
		}
	}

	@Test
	void probingAFrozenRedisBeforeAnyConnectionPilesUpNoThreads() throws Exception {
		this.redis.freeze();
		SimpleAsyncTaskExecutor connectExecutor = new SimpleAsyncTaskExecutor("probe-test-connect-");
		connectExecutor.setDaemon(true);
		RedisConnectionProbe probe = new RedisConnectionProbe(new RedisConnector(this.connectionFactory,
				connectExecutor), TIMEOUT, MAX_WAIT);
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
				connectExecutor), TIMEOUT, MAX_WAIT);
		assertThat(probe.probe().reachable()).isTrue();
		this.redis.freeze();
		for (int i = 0; i < 20; i++) {
			long start = System.nanoTime();
			probe.probe();
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(MAX_WAIT.multipliedBy(2));
		}
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(probe.probe().reachable()).isFalse());
		assertThat(threadsNamed("probe-open-connect-")).isZero();
	}

	private static long threadsNamed(String prefix) {
		return Thread.getAllStackTraces().keySet().stream()
			.filter((thread) -> thread.getName().startsWith(prefix) && thread.isAlive())
			.count();
	}

}
