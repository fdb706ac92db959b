package dev.scalability.ratelimit.redis;

import java.util.List;

/**
 * Runs a Lua script on the Redis server that holds a key: {@code EVALSHA}, and
 * {@code EVAL} only when the server does not know the script yet.
 */
public interface ScriptExecutor {

	/**
	 * Runs the script.
	 * @param script the script
	 * @param key the one key it touches
	 * @param args its arguments
	 * @return the script's array reply, integers as {@link Long}
	 * @throws RuntimeException when Redis cannot be reached or does not answer in time
	 */
	List<Object> execute(LuaScript script, byte[] key, byte[][] args);

}
