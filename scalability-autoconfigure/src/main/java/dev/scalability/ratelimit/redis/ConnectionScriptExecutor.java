package dev.scalability.ratelimit.redis;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.ReturnType;

/**
 * Runs scripts through Spring Data Redis's connection API, for clients other than
 * Lettuce. The wait is bounded by the connection's own command timeout
 * ({@code spring.data.redis.timeout}).
 */
public class ConnectionScriptExecutor implements ScriptExecutor {

	private final RedisConnectionFactory connectionFactory;

	public ConnectionScriptExecutor(RedisConnectionFactory connectionFactory) {
		this.connectionFactory = connectionFactory;
	}

	@Override
	public List<Object> execute(LuaScript script, byte[] key, byte[][] args) {
		byte[][] keysAndArgs = new byte[args.length + 1][];
		keysAndArgs[0] = key;
		System.arraycopy(args, 0, keysAndArgs, 1, args.length);
		try (RedisConnection connection = this.connectionFactory.getConnection()) {
			try {
				return connection.scriptingCommands().evalSha(script.sha1(), ReturnType.MULTI, 1, keysAndArgs);
			}
			catch (RuntimeException ex) {
				if (!LuaScript.isNoScript(ex)) {
					throw ex;
				}
				return connection.scriptingCommands()
					.eval(script.source().getBytes(StandardCharsets.UTF_8), ReturnType.MULTI, 1, keysAndArgs);
			}
		}
	}

}
