package dev.scalability.test.redis;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.sync.RedisAdvancedClusterCommands;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class RedisClusterProcessesTests {

	private static RedisClusterProcesses cluster;

	private static RedisClusterClient client;

	private static StatefulRedisClusterConnection<String, String> connection;

	@BeforeAll
	static void startCluster() {
		TestRedis.requireRedisServerOnPath();
		cluster = RedisClusterProcesses.start(3, 0);
		client = LettuceTestClients.cluster(cluster.endpoints(), Duration.ofSeconds(2));
		connection = client.connect();
	}

	@AfterAll
	static void stopCluster() {
		if (connection != null) {
			connection.close();
			client.close();
		}
		if (cluster != null) {
			cluster.close();
		}
	}

	@Test
	void threeMastersComeUpWithClusterStateOkOnEveryNode() {
		assertThat(cluster.nodes()).hasSize(3);
		assertThat(cluster.masters()).containsExactlyElementsOf(cluster.nodes());
		assertThat(cluster.replicas()).isEmpty();
		assertThat(cluster.nodes()).allSatisfy((node) -> {
			assertThat(node.port()).isNotEqualTo(6379);
			assertThat(RedisAdmin.parseInfo(node.admin().call((commands) -> commands.clusterInfo())))
				.containsEntry("cluster_state", "ok")
				.containsEntry("cluster_slots_ok", "16384");
		});
	}

	@Test
	void clusterClientWritesAndReadsKeysLandingOnEveryMaster() {
		RedisAdvancedClusterCommands<String, String> commands = connection.sync();
		List<String> keys = IntStream.range(0, 30).mapToObj((i) -> "spread:" + i).toList();

		keys.forEach((key) -> commands.set(key, "value-of-" + key));

		assertThat(keys).allSatisfy((key) -> assertThat(commands.get(key)).isEqualTo("value-of-" + key));
		assertThat(cluster.masters()).allSatisfy((master) -> assertThat(keyCount(master)).isPositive());
		assertThat(cluster.masters().stream().mapToLong(RedisClusterProcessesTests::keyCount).sum())
			.isGreaterThanOrEqualTo(keys.size());
	}

	@Test
	void nodeForKeyNamesTheMasterThatActuallyHoldsTheKey() {
		Set<RedisServerProcess> owners = new HashSet<>();
		for (String key : List.of("owner:a", "owner:b", "owner:c", "owner:d", "owner:e", "owner:f")) {
			connection.sync().set(key, "held");
			RedisServerProcess owner = cluster.nodeForKey(key);
			owners.add(owner);

			assertThat(standaloneGet(owner, key)).isEqualTo("held");
			cluster.masters()
				.stream()
				.filter((master) -> master != owner)
				.forEach((other) -> assertThatThrownBy(() -> standaloneGet(other, key))
					.isInstanceOf(RedisCommandExecutionException.class)
					.hasMessageStartingWith("MOVED"));
		}
		assertThat(owners).hasSizeGreaterThan(1);
	}

	@Test
	void stoppingAMasterFailsCommandsForItsSlotsAndRestartingItRestoresThem() {
		try (RedisClusterProcesses partial = RedisClusterProcesses.builder()
			.masters(3)
			.requireFullCoverage(false)
			.start();
				RedisClusterClient faultClient = LettuceTestClients.cluster(partial.endpoints(), Duration.ofSeconds(1));
				StatefulRedisClusterConnection<String, String> faultConnection = faultClient.connect()) {
			RedisAdvancedClusterCommands<String, String> commands = faultConnection.sync();
			RedisServerProcess victim = partial.masters().get(0);
			String victimKey = keyServedBy(partial, victim, "victim:");
			String survivorKey = keyServedBy(partial, partial.masters().get(1), "survivor:");
			assertThat(commands.set(victimKey, "before")).isEqualTo("OK");

			victim.stop();

			assertThatThrownBy(() -> commands.set(victimKey, "during")).isInstanceOf(RedisException.class);
			assertThat(commands.set(survivorKey, "during")).isEqualTo("OK");

			victim.restart();

			await().atMost(Duration.ofSeconds(30))
				.ignoreExceptions()
				.untilAsserted(() -> assertThat(commands.set(victimKey, "after")).isEqualTo("OK"));
			assertThat(commands.get(victimKey)).isEqualTo("after");
			assertThat(partial.nodeForKey(victimKey)).isSameAs(victim);
			partial.awaitHealthy(Duration.ofSeconds(30));
		}
	}

	private static String keyServedBy(RedisClusterProcesses cluster, RedisServerProcess master, String prefix) {
		return IntStream.range(0, 1000)
			.mapToObj((i) -> prefix + i)
			.filter((key) -> cluster.nodeForKey(key) == master)
			.findFirst()
			.orElseThrow();
	}

	private static long keyCount(RedisServerProcess node) {
		return node.admin().call((commands) -> commands.dbsize());
	}

	private static String standaloneGet(RedisServerProcess node, String key) {
		try (StatefulRedisConnection<String, String> direct =
				LettuceTestClients.connect(node.endpoint(), Duration.ofSeconds(2))) {
			return direct.sync().get(key);
		}
	}

}
