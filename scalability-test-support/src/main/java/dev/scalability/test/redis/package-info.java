/**
 * Real Redis for tests, never a mock.
 * <ul>
 * <li>{@link dev.scalability.test.redis.RedisTest @RedisTest} on a test class: parameters of type
 * {@link dev.scalability.test.redis.RedisEndpoint} get the JVM-wide shared Redis of
 * {@link dev.scalability.test.redis.TestRedis} (explicit URL, else Testcontainers, else a private redis-server). Without
 * one the class is skipped, or fails under {@code CI=true} / {@code -Dscalability.test.require-redis=true}.</li>
 * <li>{@link dev.scalability.test.redis.RedisServerProcess} and
 * {@link dev.scalability.test.redis.RedisClusterProcesses}: private servers for fault injection (crash, restart,
 * freeze, client pause, busy server); call {@link dev.scalability.test.redis.TestRedis#requireRedisServerOnPath()} in
 * {@code @BeforeAll} to get the same skip/fail policy.</li>
 * </ul>
 * The machine's own Redis on 6379 is never used unless named explicitly by URL.
 */
package dev.scalability.test.redis;
