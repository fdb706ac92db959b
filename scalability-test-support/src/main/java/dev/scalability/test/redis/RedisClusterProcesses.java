package dev.scalability.test.redis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.lettuce.core.api.sync.RedisCommands;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A private Redis Cluster made of {@link RedisServerProcess} nodes, created with {@code redis-cli --cluster create}.
 * Faults are injected through the node objects ({@code stop}, {@code restart}, {@code freeze}, {@code thaw}); each
 * node keeps its cluster config file, so a restarted node rejoins with its slots.
 */
public final class RedisClusterProcesses implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(RedisClusterProcesses.class);

	private static final int SLOT_COUNT = 16384;

	private final List<RedisServerProcess> nodes;

	private RedisClusterProcesses(List<RedisServerProcess> nodes) {
		this.nodes = List.copyOf(nodes);
	}

	/**
	 * Starts {@code masters} masters (at least 3, as {@code redis-cli} requires) with {@code replicasPerMaster}
	 * replicas each and waits until the cluster is healthy.
	 */
	public static RedisClusterProcesses start(int masters, int replicasPerMaster) {
		return builder().masters(masters).replicasPerMaster(replicasPerMaster).start();
	}

	public static Builder builder() {
		return new Builder();
	}

	/** Every node, in start order (masters first, as {@code redis-cli} assigned them at creation). */
	public List<RedisServerProcess> nodes() {
		return this.nodes;
	}

	/** The nodes the cluster currently sees as masters (this changes after a failover). */
	public List<RedisServerProcess> masters() {
		ClusterNodesView view = view();
		return this.nodes.stream()
			.filter((node) -> view.byPort(node.port()).map(ClusterNodesView.Node::isMaster).orElse(false))
			.toList();
	}

	/** The nodes the cluster currently sees as replicas. */
	public List<RedisServerProcess> replicas() {
		ClusterNodesView view = view();
		return this.nodes.stream()
			.filter((node) -> view.byPort(node.port()).map(ClusterNodesView.Node::isReplica).orElse(false))
			.toList();
	}

	/** The replicas of one master, as the cluster currently sees them. */
	public List<RedisServerProcess> replicasOf(RedisServerProcess master) {
		ClusterNodesView view = view();
		String masterId = view.byPort(master.port())
			.orElseThrow(() -> new IllegalArgumentException("Not a node of this cluster: " + master))
			.id();
		return this.nodes.stream()
			.filter((node) -> view.byPort(node.port()).map((seen) -> masterId.equals(seen.masterId())).orElse(false))
			.toList();
	}

	public List<RedisEndpoint> endpoints() {
		return this.nodes.stream().map(RedisServerProcess::endpoint).toList();
	}

	/**
	 * The master serving the key's slot ({@code CLUSTER KEYSLOT}, then the slot owner in {@code CLUSTER NODES}), as
	 * seen by the first running node. A stopped master that still owns the slot is returned too.
	 */
	public RedisServerProcess nodeForKey(String key) {
		return onAnyRunningNode((admin) -> {
			int slot = admin.call((commands) -> commands.clusterKeyslot(key)).intValue();
			ClusterNodesView view = ClusterNodesView.parse(admin.call(RedisCommands::clusterNodes));
			ClusterNodesView.Node owner = view.masterServing(slot)
				.orElseThrow(() -> new IllegalStateException("No master serves slot " + slot + " of key " + key));
			return nodeOnPort(owner.port());
		});
	}

	/**
	 * Waits until every running node reports {@code cluster_state:ok} with all 16384 slots served and all nodes known,
	 * and every running replica is linked to its master.
	 */
	public void awaitHealthy(Duration timeout) {
		if (!Polling.until(timeout, this::isHealthy)) {
			throw new IllegalStateException("Cluster not healthy after " + timeout + ":\n" + describeState());
		}
	}

	@Override
	public void close() {
		RuntimeException failure = null;
		for (RedisServerProcess node : this.nodes) {
			try {
				node.close();
			}
			catch (RuntimeException ex) {
				failure = (failure != null) ? failure : ex;
			}
		}
		if (failure != null) {
			throw failure;
		}
	}

	@Override
	public String toString() {
		return "Redis Cluster of " + this.nodes.stream().map((node) -> Integer.toString(node.port()))
			.collect(Collectors.joining(", ", "ports [", "]"));
	}

	private boolean isHealthy() {
		List<RedisServerProcess> running = this.nodes.stream().filter(RedisServerProcess::isRunning).toList();
		return !running.isEmpty() && running.stream().allMatch(this::isHealthy) && viewsAgree(running);
	}

	/**
	 * Roles spread by gossip: a node may be ok while still seeing a fresh replica as a master. Healthy means every
	 * running node sees the same roles, masters and slots.
	 */
	private boolean viewsAgree(List<RedisServerProcess> running) {
		try {
			return running.stream()
				.map((node) -> topology(ClusterNodesView.parse(node.admin().call(RedisCommands::clusterNodes))))
				.distinct()
				.count() == 1;
		}
		catch (RuntimeException ex) {
			return false;
		}
	}

	private static Set<String> topology(ClusterNodesView view) {
		Set<String> topology = new TreeSet<>();
		for (ClusterNodesView.Node node : view.nodes()) {
			String master = (node.masterId() != null)
					? view.byId(node.masterId()).map((seen) -> Integer.toString(seen.port())).orElse("?") : "-";
			topology.add(node.port() + " " + (node.isMaster() ? "master" : "replica") + " of " + master + " slots "
					+ node.slots());
		}
		return topology;
	}

	private boolean isHealthy(RedisServerProcess node) {
		try {
			Map<String, String> cluster = RedisAdmin.parseInfo(node.admin().call(RedisCommands::clusterInfo));
			boolean clusterOk = "ok".equals(cluster.get("cluster_state"))
					&& Integer.toString(SLOT_COUNT).equals(cluster.get("cluster_slots_ok"))
					&& Integer.toString(this.nodes.size()).equals(cluster.get("cluster_known_nodes"));
			if (!clusterOk) {
				return false;
			}
			Map<String, String> replication = node.info("replication");
			return !"slave".equals(replication.get("role")) || "up".equals(replication.get("master_link_status"));
		}
		catch (RuntimeException ex) {
			return false;
		}
	}

	private String describeState() {
		StringBuilder state = new StringBuilder();
		for (RedisServerProcess node : this.nodes) {
			state.append("  ").append(node).append(": ");
			if (!node.isRunning()) {
				state.append("not running\n");
				continue;
			}
			try {
				Map<String, String> cluster = RedisAdmin.parseInfo(node.admin().call(RedisCommands::clusterInfo));
				Map<String, String> replication = node.info("replication");
				state.append("cluster_state=").append(cluster.get("cluster_state"))
					.append(" cluster_slots_ok=").append(cluster.get("cluster_slots_ok"))
					.append(" cluster_known_nodes=").append(cluster.get("cluster_known_nodes"))
					.append(" role=").append(replication.get("role"))
					.append(Optional.ofNullable(replication.get("master_link_status"))
						.map((link) -> " master_link_status=" + link)
						.orElse(""))
					.append('\n');
			}
			catch (RuntimeException ex) {
				state.append("does not answer: ").append(ex.getMessage()).append('\n');
			}
		}
		return state.toString();
	}

	private ClusterNodesView view() {
		return onAnyRunningNode((admin) -> ClusterNodesView.parse(admin.call(RedisCommands::clusterNodes)));
	}

	private <T> T onAnyRunningNode(Function<RedisAdmin, T> query) {
		RuntimeException lastFailure = null;
		for (RedisServerProcess node : this.nodes) {
			if (!node.isRunning()) {
				continue;
			}
			try {
				return query.apply(node.admin());
			}
			catch (RuntimeException ex) {
				// Frozen or paused: ask the next node.
				lastFailure = ex;
			}
		}
		throw new IllegalStateException("No node of " + this + " answers", lastFailure);
	}

	private RedisServerProcess nodeOnPort(int port) {
		return this.nodes.stream()
			.filter((node) -> node.port() == port)
			.findFirst()
			.orElseThrow(() -> new IllegalStateException("The cluster names a node on port " + port
					+ " that is not one of " + this));
	}

	/** Cluster shape and timing. */
	public static final class Builder {

		private int masters = 3;

		private int replicasPerMaster;

		private Duration nodeTimeout = Duration.ofMillis(2000);

		private boolean requireFullCoverage = true;

		private Duration startupTimeout = Duration.ofSeconds(60);

		private Builder() {
		}

		/** At least 3 (default 3). */
		public Builder masters(int masters) {
			this.masters = masters;
			return this;
		}

		/** Default 0. */
		public Builder replicasPerMaster(int replicasPerMaster) {
			this.replicasPerMaster = replicasPerMaster;
			return this;
		}

		/** {@code cluster-node-timeout}: how soon a silent node counts as failed (default 2 s, short for tests). */
		public Builder nodeTimeout(Duration nodeTimeout) {
			this.nodeTimeout = Objects.requireNonNull(nodeTimeout);
			return this;
		}

		/**
		 * {@code cluster-require-full-coverage}: with {@code true} (Redis' default) the whole cluster refuses commands
		 * once any slot is unserved; with {@code false} the other masters keep serving their slots.
		 */
		public Builder requireFullCoverage(boolean requireFullCoverage) {
			this.requireFullCoverage = requireFullCoverage;
			return this;
		}

		/** How long creation and the first {@link #awaitHealthy(Duration)} may take (default 60 s). */
		public Builder startupTimeout(Duration startupTimeout) {
			this.startupTimeout = Objects.requireNonNull(startupTimeout);
			return this;
		}

		public RedisClusterProcesses start() {
			if (this.masters < 3) {
				throw new IllegalArgumentException("A Redis Cluster needs at least 3 masters, not " + this.masters);
			}
			if (this.replicasPerMaster < 0) {
				throw new IllegalArgumentException("replicasPerMaster must not be negative");
			}
			int total = this.masters * (1 + this.replicasPerMaster);
			List<RedisServerProcess> nodes = new ArrayList<>();
			try {
				for (int i = 0; i < total; i++) {
					nodes.add(RedisServerProcess.builder()
						.clusterEnabled(this.nodeTimeout)
						.args("--cluster-require-full-coverage", this.requireFullCoverage ? "yes" : "no",
								// Replicas sync at once instead of the master waiting 5 s for more of them.
								"--repl-diskless-sync-delay", "0")
						.start());
				}
				createCluster(nodes);
				RedisClusterProcesses cluster = new RedisClusterProcesses(nodes);
				cluster.awaitHealthy(this.startupTimeout);
				logger.debug("Started {}", cluster);
				return cluster;
			}
			catch (RuntimeException ex) {
				nodes.forEach(RedisServerProcess::close);
				throw ex;
			}
		}

		private void createCluster(List<RedisServerProcess> nodes) {
			List<String> command = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
			nodes.forEach((node) -> command.add(node.endpoint().host() + ":" + node.port()));
			command.addAll(List.of("--cluster-replicas", Integer.toString(this.replicasPerMaster), "--cluster-yes"));
			Path output = null;
			try {
				// Output goes to a file so a hanging redis-cli can be bounded by waitFor without a reader thread.
				output = Files.createTempFile("redis-cluster-create-", ".log");
				Process create = new ProcessBuilder(command).redirectErrorStream(true)
					.redirectOutput(output.toFile())
					.start();
				create.getOutputStream().close();
				boolean exited = create.waitFor(this.startupTimeout.toMillis(), TimeUnit.MILLISECONDS);
				if (!exited) {
					create.destroyForcibly();
				}
				if (!exited || create.exitValue() != 0) {
					throw new IllegalStateException("Cluster creation failed: " + String.join(" ", command) + "\n"
							+ Directories.readQuietly(output));
				}
			}
			catch (IOException ex) {
				throw new UncheckedIOException("Could not run redis-cli; is it installed and on the PATH?", ex);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("Interrupted while creating the cluster", ex);
			}
			finally {
				if (output != null) {
					Directories.deleteQuietly(output);
				}
			}
		}

	}

}
