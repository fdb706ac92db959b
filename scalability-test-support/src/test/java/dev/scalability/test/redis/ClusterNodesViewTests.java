package dev.scalability.test.redis;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ClusterNodesViewTests {

	private static final String CLUSTER_NODES = """
			07c37dfeb235213a872192d90877d0cd55635b91 127.0.0.1:30004@40004,host-a slave e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca 0 1426238317239 4 connected
			67ed2db8d677e59ec4a4cefb06858cf2a1a89fa1 127.0.0.1:30002@40002 master - 0 1426238316232 2 connected 5461-10922
			292f8b365bb7edb5e285caf0b7e6ddc7265d2f4f 127.0.0.1:30003@40003 master,fail - 0 1426238318243 3 connected 10923-16383 [100->-67ed2db8d677e59ec4a4cefb06858cf2a1a89fa1]
			e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca 127.0.0.1:30001@40001 myself,master - 0 0 1 connected 0-5460 16000
			""";

	@Test
	void findsTheMasterServingASlotIncludingAFailedOne() {
		ClusterNodesView view = ClusterNodesView.parse(CLUSTER_NODES);

		assertThat(view.masterServing(0).orElseThrow().port()).isEqualTo(30001);
		assertThat(view.masterServing(5461).orElseThrow().port()).isEqualTo(30002);
		assertThat(view.masterServing(16383).orElseThrow().port()).isEqualTo(30003);
	}

	@Test
	void migratingSlotMarksAreNotServedSlots() {
		ClusterNodesView view = ClusterNodesView.parse(CLUSTER_NODES);

		assertThat(view.byPort(30003).orElseThrow().slots()).hasSize(1);
		assertThat(view.masterServing(100).orElseThrow().port()).isEqualTo(30001);
	}

	@Test
	void replicasKnowTheirMaster() {
		ClusterNodesView view = ClusterNodesView.parse(CLUSTER_NODES);
		ClusterNodesView.Node replica = view.byPort(30004).orElseThrow();

		assertThat(replica.isReplica()).isTrue();
		assertThat(view.byId(replica.masterId()).orElseThrow().port()).isEqualTo(30001);
	}

}
