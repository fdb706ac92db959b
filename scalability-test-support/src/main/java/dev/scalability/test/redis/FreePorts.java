package dev.scalability.test.redis;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Picks TCP ports for private servers.
 * <p>
 * Ports come from below the kernel's ephemeral range (32768+ on Linux) on purpose: a client reconnecting to a stopped
 * server on an ephemeral port can be handed that very port as its own local port (a TCP self-connect), which would
 * then block the restart on the same port. The cluster bus (port + 10000) stays below that range too.
 */
final class FreePorts {

	static final int CLUSTER_BUS_OFFSET = 10000;

	private static final int LOWEST = 15000;

	private static final int HIGHEST = 22700;

	private static final int ATTEMPTS = 200;

	/** Ports handed out in this JVM are never handed out again, so two servers started at once cannot collide. */
	private static final Set<Integer> handedOut = ConcurrentHashMap.newKeySet();

	private FreePorts() {
	}

	/**
	 * @param withClusterBus whether port + 10000 must be free as well
	 */
	static int pick(boolean withClusterBus) {
		for (int i = 0; i < ATTEMPTS; i++) {
			int port = ThreadLocalRandom.current().nextInt(LOWEST, HIGHEST + 1);
			if (isFree(port) && (!withClusterBus || isFree(port + CLUSTER_BUS_OFFSET)) && handedOut.add(port)) {
				return port;
			}
		}
		throw new IllegalStateException("No free TCP port between " + LOWEST + " and " + HIGHEST + " after "
				+ ATTEMPTS + " attempts");
	}

	static boolean isFree(int port) {
		try (ServerSocket socket = new ServerSocket()) {
			// Like redis-server itself, so a port in TIME_WAIT counts as usable.
			socket.setReuseAddress(true);
			socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

}
