package dev.scalability.redis;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The instances of the application that share one Redis, known through a heartbeat: each
 * instance scores its id with the server's time in one sorted set every few seconds, and
 * counts the ids seen within three heartbeats. Features use the count to divide shared
 * limits while they cannot reach Redis, and will use the id to name consumers.
 */
public class InstanceRegistry implements RedisWarmUp, AutoCloseable {

	static final LuaScript HEARTBEAT = LuaScript.fromClassPath(InstanceRegistry.class, "instances.lua");

	private static final int EARLY_BEATS = 10;

	private final GuardedRedis redis;

	private final byte[][] key;

	private final String id;

	private final Duration interval;

	private volatile int instances = 1;

	private ScheduledExecutorService scheduler;

	/**
	 * Creates a registry.
	 * @param redis the connection, without a breaker of its own
	 * @param keys the key builder
	 * @param interval how often to beat
	 */
	public InstanceRegistry(GuardedRedis redis, RedisKeys keys, Duration interval) {
		this.redis = redis;
		this.key = new byte[][] { keys.space("instances").key("all") };
		this.id = newId();
		this.interval = interval;
	}

	private static String newId() {
		String host;
		try {
			host = InetAddress.getLocalHost().getHostName();
		}
		catch (Exception ex) {
			host = "unknown";
		}
		return host + ":" + ManagementFactory.getRuntimeMXBean().getPid() + ":"
				+ UUID.randomUUID().toString().substring(0, 8);
	}

	/**
	 * This instance's id, unique among the instances of the application.
	 * @return the id
	 */
	public String id() {
		return this.id;
	}

	/**
	 * How many instances shared Redis at the last heartbeat that reached it.
	 * @return the count, at least 1
	 */
	public int instances() {
		return this.instances;
	}

	/**
	 * Beats once: records this instance and counts the live ones.
	 * @return whether Redis answered
	 */
	public boolean heartbeat() {
		try {
			List<Object> reply = this.redis.script(HEARTBEAT, this.key, ascii(this.id),
					ascii(Long.toString(this.interval.toMillis() * 3)), ascii("0"));
			this.instances = (int) Math.max(1, (Long) reply.get(0));
			return true;
		}
		catch (RedisCallException ex) {
			// The last count stands until Redis answers again.
			return false;
		}
	}

	@Override
	public boolean warmUp(Duration within) {
		return this.redis.warmUp(List.of(HEARTBEAT), within) && heartbeat();
	}

	/**
	 * Beats every interval from now on, on a daemon thread of its own.
	 */
	public synchronized void start() {
		if (this.scheduler != null) {
			return;
		}
		this.scheduler = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "scalability-instance-heartbeat");
			thread.setDaemon(true);
			return thread;
		});
		// Instances started together each see only those that beat before them: beat every
		// second at first, so that the count settles within seconds.
		for (int i = 1; i <= EARLY_BEATS; i++) {
			this.scheduler.schedule(this::heartbeat, i, TimeUnit.SECONDS);
		}
		long millis = this.interval.toMillis();
		this.scheduler.scheduleWithFixedDelay(this::heartbeat, Math.max(millis, EARLY_BEATS * 1000L), millis,
				TimeUnit.MILLISECONDS);
	}

	/**
	 * Stops beating and leaves the set, so that the others count one fewer at once.
	 */
	@Override
	public synchronized void close() {
		if (this.scheduler == null) {
			return;
		}
		this.scheduler.shutdownNow();
		this.scheduler = null;
		try {
			this.redis.script(HEARTBEAT, this.key, ascii(this.id), ascii("0"), ascii("1"));
		}
		catch (RedisCallException ex) {
			// Its entry expires after three intervals anyway.
		}
	}

	private static byte[] ascii(String value) {
		return value.getBytes(StandardCharsets.UTF_8);
	}

}
