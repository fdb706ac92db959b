package dev.scalability.redis;

/**
 * What {@code INFO memory} says about the server's memory: how much is used, the bound
 * and what Redis does when it is reached. Features that keep state which must not vanish
 * (the task queue) need {@code noeviction}; features whose keys only carry usage (rate
 * limiting, the cache) work with any policy.
 *
 * @param usedBytes memory in use
 * @param maxBytes {@code maxmemory}, 0 when unbounded
 * @param policy {@code maxmemory-policy}, such as {@code noeviction} or
 * {@code volatile-lru}; empty when the server does not say
 */
public record RedisMemory(long usedBytes, long maxBytes, String policy) {

	/**
	 * Whether the server evicts keys when full, rather than refusing writes.
	 * @return whether a policy other than {@code noeviction} is set
	 */
	public boolean evicts() {
		return !this.policy.isEmpty() && !"noeviction".equals(this.policy);
	}

	/**
	 * Whether the server is at its bound.
	 * @return whether {@code maxmemory} is set and reached
	 */
	public boolean full() {
		return this.maxBytes > 0 && this.usedBytes >= this.maxBytes;
	}

	/**
	 * Reads the answer to {@code INFO memory}.
	 * @param info the answer
	 * @return what it says
	 */
	public static RedisMemory parse(String info) {
		long used = 0;
		long max = 0;
		String policy = "";
		for (String line : info.split("\r?\n")) {
			int colon = line.indexOf(':');
			if (colon < 0) {
				continue;
			}
			String name = line.substring(0, colon);
			String value = line.substring(colon + 1).trim();
			switch (name) {
				case "used_memory" -> used = parseLong(value);
				case "maxmemory" -> max = parseLong(value);
				case "maxmemory_policy" -> policy = value;
				default -> {
				}
			}
		}
		return new RedisMemory(used, max, policy);
	}

	private static long parseLong(String value) {
		try {
			return Long.parseLong(value);
		}
		catch (NumberFormatException ex) {
			return 0;
		}
	}

}
