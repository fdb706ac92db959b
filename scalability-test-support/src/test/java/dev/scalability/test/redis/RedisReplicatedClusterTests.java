package dev.scalability.test.redis;

import java.time.Duration;

import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class RedisReplicatedClusterTests {

	@BeforeAll
	static void needsRedisServer() {
		TestRedis.requireRedisServerOnPath();
	}

	@Test
	void clusterWithOneReplicaPerMasterStartsWithEveryReplicaLinkedAndReplicating() {
		try (RedisClusterProcesses cluster = RedisClusterProcesses.start(3, 1);
				RedisClusterClient client = LettuceTestClients.cluster(cluster.endpoints(), Duration.ofSeconds(2));
				StatefulRedisClusterConnection<String, String> connection = client.connect()) {
			assertThat(cluster.nodes()).hasSize(6);
			assertThat(cluster.masters()).hasSize(3);
			assertThat(cluster.replicas()).hasSize(3);
			assertThat(cluster.masters()).allSatisfy((master) -> assertThat(cluster.replicasOf(master)).hasSize(1));
			assertThat(cluster.replicas()).allSatisfy((replica) -> assertThat(replica.info("replication"))
				.containsEntry("role", "slave")
				.containsEntry("master_link_status", "up"));

			connection.sync().set("replicated:key", "copied");
			RedisServerProcess replica = cluster.replicasOf(cluster.nodeForKey("replicated:key")).get(0);

			try (StatefulRedisConnection<String, String> direct =
					LettuceTestClients.connect(replica.endpoint(), Duration.ofSeconds(2))) {
				RedisCommands<String, String> onReplica = direct.sync();
				onReplica.readOnly();
				await().atMost(Duration.ofSeconds(10))
					.untilAsserted(() -> assertThat(onReplica.get("replicated:key")).isEqualTo("copied"));
			}
		}
	}

}
