package dev.scalability.test.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** One node's view of the cluster, parsed from {@code CLUSTER NODES}. */
final class ClusterNodesView {

	private final List<Node> nodes;

	private ClusterNodesView(List<Node> nodes) {
		this.nodes = List.copyOf(nodes);
	}

	/**
	 * Each line reads {@code <id> <ip:port@cport[,hostname]> <flags> <master-id|-> <ping-sent> <pong-recv>
	 * <config-epoch> <link-state> <slot>...}; slots are {@code n} or {@code a-b}, and {@code [..]} entries mark slots
	 * being migrated, which are not served yet.
	 */
	static ClusterNodesView parse(String clusterNodes) {
		List<Node> nodes = new ArrayList<>();
		for (String line : clusterNodes.split("\r?\n")) {
			if (line.isBlank()) {
				continue;
			}
			String[] fields = line.strip().split(" ");
			String hostAndPort = fields[1].split("[@,]")[0];
			int port = Integer.parseInt(hostAndPort.substring(hostAndPort.lastIndexOf(':') + 1));
			Set<String> flags = Set.of(fields[2].split(","));
			String masterId = "-".equals(fields[3]) ? null : fields[3];
			List<SlotRange> slots = new ArrayList<>();
			for (int i = 8; i < fields.length; i++) {
				String slot = fields[i];
				if (slot.startsWith("[")) {
					continue;
				}
				int dash = slot.indexOf('-');
				int from = Integer.parseInt((dash < 0) ? slot : slot.substring(0, dash));
				int to = (dash < 0) ? from : Integer.parseInt(slot.substring(dash + 1));
				slots.add(new SlotRange(from, to));
			}
			nodes.add(new Node(fields[0], port, flags, masterId, List.copyOf(slots)));
		}
		return new ClusterNodesView(nodes);
	}

	List<Node> nodes() {
		return this.nodes;
	}

	Optional<Node> masterServing(int slot) {
		return this.nodes.stream().filter(Node::isMaster).filter((node) -> node.serves(slot)).findFirst();
	}

	Optional<Node> byPort(int port) {
		return this.nodes.stream().filter((node) -> node.port() == port).findFirst();
	}

	Optional<Node> byId(String id) {
		return this.nodes.stream().filter((node) -> node.id().equals(id)).findFirst();
	}

	record SlotRange(int from, int to) {

		boolean contains(int slot) {
			return slot >= this.from && slot <= this.to;
		}

	}

	record Node(String id, int port, Set<String> flags, String masterId, List<SlotRange> slots) {

		boolean isMaster() {
			return this.flags.contains("master");
		}

		boolean isReplica() {
			return this.flags.contains("slave");
		}

		boolean serves(int slot) {
			return this.slots.stream().anyMatch((range) -> range.contains(slot));
		}

	}

}
