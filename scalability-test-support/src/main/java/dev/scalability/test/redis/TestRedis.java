package dev.scalability.test.redis;

import java.util.Optional;

import io.lettuce.core.api.sync.RedisCommands;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JVM-wide shared Redis for tests, found once: an explicit URL ({@code SCALABILITY_TEST_REDIS_URL} or
 * {@code -Dscalability.test.redis-url}), else a Testcontainers {@code redis:7} when Docker answers, else a private
 * {@code redis-server} from the PATH on a free port, stopped at JVM exit.
 * <p>
 * Tests sharing it use distinct keys; nothing is flushed between test classes. Tests that inject faults start their own
 * {@link RedisServerProcess} or {@link RedisClusterProcesses} instead.
 */
public final class TestRedis {

	private static final Logger logger = LoggerFactory.getLogger(TestRedis.class);

	private static RedisLocator.Outcome outcome;

	private TestRedis() {
	}

	/** The shared Redis, found or started on first use; empty when none can be had. */
	public static Optional<RedisEndpoint> shared() {
		return located().map(LocatedRedis::endpoint);
	}

	/** Which source provided the shared Redis; empty when none can be had. */
	public static Optional<RedisSource> sharedSource() {
		return located().map(LocatedRedis::source);
	}

	/**
	 * The shared Redis, or the skip/fail policy when there is none: a failure when {@code CI=true} or
	 * {@code -Dscalability.test.require-redis=true}, a skipped test (JUnit abort) otherwise.
	 */
	public static RedisEndpoint requireShared() {
		RedisLocator.Outcome current = outcome();
		Optional<LocatedRedis> redis = current.redis();
		if (redis.isEmpty()) {
			RedisRequirement.ofThisMachine()
				.failOrSkip("none could be found or started (" + current.whyMissing() + ")",
						RedisRequirement.SHARED_REDIS_REMEDY);
		}
		return redis.get().endpoint();
	}

	/**
	 * Applies the skip/fail policy to tests that start their own servers ({@link RedisServerProcess},
	 * {@link RedisClusterProcesses}): they need {@code redis-server} and {@code redis-cli} on the PATH.
	 */
	public static void requireRedisServerOnPath() {
		for (String command : new String[] { "redis-server", "redis-cli" }) {
			if (!ExecutablesOnPath.isOnPath(command)) {
				RedisRequirement.ofThisMachine()
					.failOrSkip(command + " is not on the PATH", RedisRequirement.LOCAL_BINARIES_REMEDY);
			}
		}
	}

	/** {@code FLUSHALL} on the shared Redis, for tests that need it empty. Mind that an explicit URL is flushed too. */
	public static void flushShared() {
		new RedisAdmin(requireShared(), RedisAdmin.DEFAULT_TIMEOUT).call(RedisCommands::flushall);
	}

	private static Optional<LocatedRedis> located() {
		return outcome().redis();
	}

	private static synchronized RedisLocator.Outcome outcome() {
		if (outcome == null) {
			outcome = new RedisLocator(RedisLocator.Inputs.ofThisMachine(), RedisLocator.Launchers.real()).locate();
			outcome.redis()
				.ifPresentOrElse((redis) -> logger.info("Tests use Redis at {} from {}", redis.endpoint().url(),
						redis.description()), () -> logger.warn("No Redis for tests: {}", outcome.whyMissing()));
		}
		return outcome;
	}

}
