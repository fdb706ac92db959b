package dev.scalability.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.scalability.autoconfigure.FeatureRedisProperties;
import dev.scalability.autoconfigure.RedisGuards;
import dev.scalability.autoconfigure.ScalabilityProperties;
import dev.scalability.cache.CacheObserver;
import dev.scalability.cache.CacheSpec;
import dev.scalability.cache.CacheValueCodec;
import dev.scalability.cache.TwoLevelCache;
import dev.scalability.cache.TwoLevelCacheManager;
import dev.scalability.cache.redis.CacheInvalidations;
import dev.scalability.cache.redis.RedisCacheStore;
import dev.scalability.redis.DedicatedConnections;
import dev.scalability.redis.RedisConnector;
import dev.scalability.redis.RedisKeys;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.KillArgs;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.TrackingArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.protocol.ProtocolVersion;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.support.caching.CacheAccessor;
import io.lettuce.core.support.caching.CacheFrontend;
import io.lettuce.core.support.caching.ClientSideCaching;
import org.HdrHistogram.Histogram;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * How soon another instance drops its copy of an entry that one instance wrote, by the way
 * the news travels, on a private {@code redis-server}. Two instances, A and B, in one JVM,
 * each with connections of its own as if it were a process of its own. B holds a copy of
 * one key in memory; A writes the key; the time is taken from the moment A has Redis's
 * reply to the moment B has dropped its copy. Then B reads the key again (its next read
 * after a change), and so on, {@value #WRITES} times by default, one write at a time.
 * <p>
 * The ways:
 * <ul>
 * <li>{@code pubsub-script}: what the starter does, bare: A runs the starter's
 * {@code put.lua} ({@code SET PX} and {@code PUBLISH} in one script); B is subscribed to
 * the channel on a Lettuce pub/sub connection and drops the key the message names.</li>
 * <li>{@code starter}: the same through the starter's own classes ({@code TwoLevelCache},
 * {@code RedisCacheStore}, {@code CacheInvalidations}), JSON codec, guards and all; A's
 * time is taken when its store has the script's reply.</li>
 * <li>{@code client-side-caching}: Lettuce's {@link ClientSideCaching} on a RESP3
 * connection ({@code CLIENT TRACKING on}, default mode: Redis remembers the keys B read);
 * A writes with a plain {@code SET PX}.</li>
 * <li>{@code tracking-bcast-resp2}: RESP2, B's connection in
 * {@code CLIENT TRACKING on REDIRECT <id> BCAST PREFIX <prefix> NOLOOP}, the id that of B's
 * pub/sub connection subscribed to {@code __redis__:invalidate}; A writes with a plain
 * {@code SET PX}.</li>
 * </ul>
 * Printed per way: the latency from A's reply (p50, p99, p99.9, max; a drop that came
 * before A had its reply counts as 0 and is counted apart), the latency from just before
 * A sent its write, the Redis commands per write as the server counts them
 * ({@code INFO commandstats}, commands run by a script included; B's read again is one
 * {@code get}) and the connections each instance holds. Then what each way does when a
 * connection is cut and Lettuce reconnects ({@code CLIENT KILL}), and how a write of
 * several keys at once is heard.
 * <p>
 * Arguments: runs (default 3), writes per run (default {@value #WRITES}). Each way first
 * runs once unmeasured, so that the JIT has compiled what they share.
 */
public final class InvalidationLatencyLoad {

	static final int WRITES = 2_000;

	private static final Duration TTL = Duration.ofMinutes(10);

	private static final Duration WAIT = Duration.ofSeconds(2);

	private static final String PREFIX = "bench:inv:";

	private static final String CHANNEL = PREFIX + "invalidations";

	private static final String TRACKING_CHANNEL = "__redis__:invalidate";

	private static final String CACHE = "products";

	private static final String KEY = "42";

	private static final String VALUE = "{\"id\":42,\"name\":\"desk lamp\",\"description\":\"An adjustable desk lamp "
			+ "with a weighted base and a warm LED\",\"priceInCents\":1999,\"currency\":\"EUR\",\"stock\":17,\"version\":";

	private static final List<String> WAYS = List.of("pubsub-script", "starter", "client-side-caching",
			"tracking-bcast-resp2");

	private InvalidationLatencyLoad() {
	}

	public static void main(String[] args) throws Exception {
		int runs = (args.length > 0) ? Integer.parseInt(args[0]) : 3;
		int writes = (args.length > 1) ? Integer.parseInt(args[1]) : WRITES;
		List<String> latencies = new ArrayList<>();
		List<String> commands = new ArrayList<>();
		List<String> reconnects = new ArrayList<>();
		List<String> multiKeys = new ArrayList<>();
		try (BenchmarkRedis redis = BenchmarkRedis.start(); Admin admin = new Admin(redis)) {
			for (String way : WAYS) {
				redis.flushAll();
				try (Way contender = way(way, redis)) {
					measure(contender, admin, writes, 0);
				}
			}
			for (int run = 1; run <= runs; run++) {
				for (String way : WAYS) {
					redis.flushAll();
					try (Way contender = way(way, redis)) {
						Result result = measure(contender, admin, writes, run);
						latencies.add(result.latency());
						if (run == 1) {
							commands.add(result.commands());
						}
					}
				}
			}
			for (String way : WAYS) {
				reconnects.addAll(reconnects(way, redis, admin));
				redis.flushAll();
				try (Way contender = way(way, redis)) {
					multiKeys.add(multiKey(contender));
				}
			}
		}
		System.out.println();
		System.out.println("Latency from A's reply to B's drop, " + writes + " writes of one key, one at a time (µs)");
		System.out.println();
		System.out.println("| way | run | p50 | p90 | p99 | p99.9 | max | dropped before A's reply | p50 from A's send | "
				+ "p99 from A's send | lost |");
		System.out.println("|---|---|---|---|---|---|---|---|---|---|---|");
		latencies.forEach(System.out::println);
		System.out.println();
		System.out.println("Redis commands per write, as the server counts them (run 1; `get` is B's read again), "
				+ "and connections per instance");
		System.out.println();
		System.out.println("| way | commands per write | of which A's write | by command | connections per instance |");
		System.out.println("|---|---|---|---|---|");
		commands.forEach(System.out::println);
		System.out.println();
		System.out.println("A connection of B cut (`CLIENT KILL`): once Lettuce has reconnected, B forgets its "
				+ "copy, reads the key again from Redis, and A writes it; is B's new copy dropped within "
				+ WAIT.toSeconds() + " s?");
		System.out.println();
		System.out.println("| way | connection cut | B's copy from before the cut, after the reconnect | B's "
				+ "next copy dropped on A's write | B's tracked connection after the reconnect (CLIENT LIST) |");
		System.out.println("|---|---|---|---|---|");
		reconnects.forEach(System.out::println);
		System.out.println();
		System.out.println("A writes three keys in one command (MSET), B held a copy of each");
		System.out.println();
		System.out.println("| way | B's copies dropped | messages B heard |");
		System.out.println("|---|---|---|");
		multiKeys.forEach(System.out::println);
	}

	private static Way way(String name, BenchmarkRedis redis) {
		RedisURI uri = RedisURI.create(redis.endpoint().host(), redis.endpoint().port());
		return switch (name) {
			case "pubsub-script" -> new PubSubScript(name, uri);
			case "starter" -> new Starter(name, redis);
			case "client-side-caching" -> new Tracking(name, uri, false);
			case "tracking-bcast-resp2" -> new Tracking(name, uri, true);
			default -> throw new IllegalArgumentException("Unknown way " + name);
		};
	}

	private record Result(String latency, String commands) {
	}

	private static Result measure(Way way, Admin admin, int writes, int run)
			throws InterruptedException {
		log(way.name + ((run == 0) ? ": JVM warm-up" : ": run " + run));
		Histogram fromReply = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
		Histogram fromSend = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
		int beforeReply = 0;
		int lost = 0;
		// Every connection is open once a write has gone through and been heard.
		if (!once(way, 0)) {
			throw new IllegalStateException(way.name + ": B did not hear of A's first write");
		}
		long connections = admin.connectedClients() - admin.baseline;
		Map<String, Long> callsBefore = admin.commandCalls();
		for (int i = 1; i <= writes; i++) {
			way.read(KEY);
			if (!way.holds(KEY)) {
				throw new IllegalStateException(way.name + ": B keeps no copy of the key it read");
			}
			CountDownLatch dropped = way.expect(KEY);
			long sent = System.nanoTime();
			long replied = way.write(KEY, VALUE + i + "}");
			if (!dropped.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
				lost++;
				continue;
			}
			long at = way.droppedAt();
			if (way.holds(KEY)) {
				throw new IllegalStateException(way.name + ": B still holds the key it was told to drop");
			}
			if (at < replied) {
				beforeReply++;
			}
			fromReply.recordValue(Math.max(0, at - replied));
			fromSend.recordValue(Math.max(0, at - sent));
		}
		Map<String, Long> calls = since(callsBefore, admin.commandCalls());
		long total = calls.values().stream().mapToLong(Long::longValue).sum();
		long reads = calls.getOrDefault("get", 0L);
		StringJoiner byCommand = new StringJoiner(", ");
		calls.forEach((command, count) -> byCommand
			.add(command + " " + String.format(Locale.ROOT, "%.2f", (double) count / writes)));
		String latency = String.format(Locale.ROOT, "| %s | %d | %s | %s | %s | %s | %s | %.1f%% | %s | %s | %d |",
				way.name, run, micros(fromReply.getValueAtPercentile(50)), micros(fromReply.getValueAtPercentile(90)),
				micros(fromReply.getValueAtPercentile(99)), micros(fromReply.getValueAtPercentile(99.9)),
				micros(fromReply.getMaxValue()), 100.0 * beforeReply / writes,
				micros(fromSend.getValueAtPercentile(50)), micros(fromSend.getValueAtPercentile(99)), lost);
		String commands = String.format(Locale.ROOT, "| %s | %.2f | %.2f | %s | %s |", way.name,
				(double) total / writes, (double) (total - reads) / writes, byCommand, connectionsPerInstance(connections));
		return new Result(latency, commands);
	}

	private static String connectionsPerInstance(long connections) {
		return (connections % 2 == 0) ? Long.toString(connections / 2) : String.format(Locale.ROOT, "%.1f", connections / 2.0);
	}

	/**
	 * A writes the key, so that it is in Redis, then B reads it and A writes it again.
	 * @return whether B heard of the second write
	 */
	private static boolean once(Way way, int version) throws InterruptedException {
		way.write(KEY, VALUE + version + "}");
		Thread.sleep(100);
		way.read(KEY);
		CountDownLatch dropped = way.expect(KEY);
		way.write(KEY, VALUE + version + "}");
		return dropped.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
	}

	/**
	 * Each connection cut of a way, on a fresh pair of instances.
	 */
	private static List<String> reconnects(String name, BenchmarkRedis redis, Admin admin)
			throws InterruptedException {
		List<String> rows = new ArrayList<>();
		for (int i = 0;; i++) {
			redis.flushAll();
			try (Way way = way(name, redis)) {
				List<Cut> cuts = way.cuts();
				if (i >= cuts.size()) {
					return rows;
				}
				rows.add(reconnect(way, cuts.get(i), admin));
			}
		}
	}

	private static String reconnect(Way way, Cut cut, Admin admin) throws InterruptedException {
		log(way.name + ": cutting " + cut.name());
		if (!once(way, 1)) {
			throw new IllegalStateException(way.name + ": no invalidation heard before the cut");
		}
		way.read(KEY);
		cut.kill().accept(admin);
		// Lettuce notices the cut and reconnects.
		Thread.sleep(200);
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (!cut.back().test(admin)) {
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException(way.name + ": " + cut.name() + " did not come back");
			}
			Thread.sleep(20);
		}
		// Resubscriptions and the like, which Lettuce sends once it is connected.
		Thread.sleep(500);
		String kept = way.holds(KEY) ? "kept" : "dropped";
		// A fresh read on the new connection, so that tracking, if it is on, knows of it.
		way.forget(KEY);
		way.read(KEY);
		CountDownLatch dropped = way.expect(KEY);
		long replied = way.write(KEY, VALUE + "after the cut}");
		boolean heard = dropped.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
		String outcome = !heard ? "no: B keeps the old value"
				: (way.droppedAt() < replied) ? "yes (before A had its reply)"
						: String.format(Locale.ROOT, "yes (%s µs after A's reply)", micros(way.droppedAt() - replied));
		return String.format(Locale.ROOT, "| %s | %s | %s | %s | %s |", way.name, cut.name(), kept, outcome,
				way.trackingFlags(admin));
	}

	private static String multiKey(Way way) throws InterruptedException {
		List<String> keys = List.of("k1", "k2", "k3");
		once(way, 0);
		if (!way.multiWrite(keys)) {
			return "| " + way.name + " | – (a write is one script per key) | – |";
		}
		Thread.sleep(200);
		for (String key : keys) {
			way.read(key);
		}
		way.heard.clear();
		way.multiWrite(keys);
		Thread.sleep(WAIT.toMillis());
		long held = keys.stream().filter(way::holds).count();
		return String.format(Locale.ROOT, "| %s | %d of %d | %s |", way.name, keys.size() - held, keys.size(),
				way.heard);
	}

	private static Map<String, Long> since(Map<String, Long> before, Map<String, Long> after) {
		Map<String, Long> calls = new TreeMap<>();
		after.forEach((command, count) -> {
			long delta = count - before.getOrDefault(command, 0L);
			// The benchmark's own INFO calls are not the contender's.
			if (delta > 0 && !command.equals("info")) {
				calls.put(command, delta);
			}
		});
		return calls;
	}

	private static String micros(long nanos) {
		return String.format(Locale.ROOT, "%.1f", nanos / 1_000.0);
	}

	static void log(String message) {
		System.err.println(java.time.LocalTime.now() + " " + message);
	}

	private static String script() {
		try (InputStream in = TwoLevelCache.class.getResourceAsStream("/dev/scalability/cache/redis/put.lua")) {
			if (in == null) {
				throw new IllegalStateException("put.lua is not on the class path");
			}
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * A connection of the benchmark's own, to ask the server what it sees.
	 */
	private static final class Admin implements AutoCloseable {

		private final RedisClient client;

		private final StatefulRedisConnection<String, String> connection;

		private final long baseline;

		Admin(BenchmarkRedis redis) {
			this.client = RedisClient.create(RedisURI.create(redis.endpoint().host(), redis.endpoint().port()));
			this.connection = this.client.connect();
			this.baseline = connectedClients();
		}

		RedisCommands<String, String> commands() {
			return this.connection.sync();
		}

		long connectedClients() {
			for (String line : commands().info("clients").split("\r?\n")) {
				if (line.startsWith("connected_clients:")) {
					return Long.parseLong(line.substring("connected_clients:".length()).trim());
				}
			}
			throw new IllegalStateException("INFO clients without connected_clients");
		}

		/**
		 * The fields of one client in {@code CLIENT LIST}.
		 */
		Map<String, String> client(long id) {
			for (String line : commands().clientList().split("\r?\n")) {
				Map<String, String> fields = new LinkedHashMap<>();
				for (String field : line.trim().split(" ")) {
					int equals = field.indexOf('=');
					if (equals > 0) {
						fields.put(field.substring(0, equals), field.substring(equals + 1));
					}
				}
				if (Long.toString(id).equals(fields.get("id"))) {
					return fields;
				}
			}
			return Map.of();
		}

		/**
		 * How many times the server ran each command so far, commands run by scripts
		 * included.
		 */
		Map<String, Long> commandCalls() {
			Map<String, Long> calls = new TreeMap<>();
			for (String line : commands().info("commandstats").split("\r?\n")) {
				if (!line.startsWith("cmdstat_")) {
					continue;
				}
				int colon = line.indexOf(':');
				for (String part : line.substring(colon + 1).split(",")) {
					if (part.startsWith("calls=")) {
						calls.put(line.substring("cmdstat_".length(), colon), Long.parseLong(part.substring(6)));
					}
				}
			}
			return calls;
		}

		long subscribers(String channel) {
			Long count = commands().pubsubNumsub(channel).get(channel);
			return (count != null) ? count : 0;
		}

		@Override
		public void close() {
			this.connection.close();
			this.client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
		}

	}

	/**
	 * A connection cut: how, and how to tell that it is back.
	 */
	private record Cut(String name, Consumer<Admin> kill, Predicate<Admin> back) {
	}

	/**
	 * Instances A and B, with the way one tells the other of a change.
	 */
	private abstract static class Way implements AutoCloseable {

		final String name;

		/**
		 * What B heard, for the write of several keys.
		 */
		final List<String> heard = new java.util.concurrent.CopyOnWriteArrayList<>();

		private volatile CountDownLatch dropped = new CountDownLatch(0);

		private volatile String awaited;

		private volatile long droppedAt;

		Way(String name) {
			this.name = name;
		}

		/**
		 * B reads the key, from Redis unless it holds a copy, and keeps a copy.
		 */
		abstract void read(String key);

		/**
		 * Whether B holds a copy.
		 */
		abstract boolean holds(String key);

		/**
		 * B drops its copy, as if it had been evicted from its memory.
		 */
		abstract void forget(String key);

		/**
		 * A writes the key.
		 * @return {@link System#nanoTime()} when A had Redis's reply
		 */
		abstract long write(String key, String value);

		/**
		 * A writes several keys in one command.
		 * @return false where the way has no such write
		 */
		abstract boolean multiWrite(List<String> keys);

		abstract List<Cut> cuts();

		String trackingFlags(Admin admin) {
			return "–";
		}

		CountDownLatch expect(String key) {
			CountDownLatch latch = new CountDownLatch(1);
			this.droppedAt = 0;
			this.dropped = latch;
			this.awaited = key;
			return latch;
		}

		long droppedAt() {
			return this.droppedAt;
		}

		/**
		 * Called by B once it dropped its copy.
		 */
		void dropped(String key) {
			long now = System.nanoTime();
			if (key != null && key.equals(this.awaited)) {
				this.awaited = null;
				this.droppedAt = now;
				this.dropped.countDown();
			}
		}

		@Override
		public abstract void close();

	}

	/**
	 * The starter's script and channel, on bare Lettuce connections.
	 */
	private static final class PubSubScript extends Way {

		private final List<RedisClient> clients = new ArrayList<>();

		private final StatefulRedisConnection<String, String> a;

		private final StatefulRedisConnection<String, String> b;

		private final StatefulRedisPubSubConnection<String, String> bListens;

		private final Map<String, String> bCopies = new ConcurrentHashMap<>();

		private final String sha;

		PubSubScript(String name, RedisURI uri) {
			super(name);
			this.a = instance(uri, "a", null);
			this.b = instance(uri, "b", this.bCopies);
			this.bListens = this.listening;
			this.sha = this.a.sync().scriptLoad(script());
		}

		private StatefulRedisPubSubConnection<String, String> listening;

		private StatefulRedisConnection<String, String> instance(RedisURI uri, String instance,
				Map<String, String> copies) {
			RedisClient client = RedisClient.create(uri);
			this.clients.add(client);
			StatefulRedisConnection<String, String> connection = client.connect();
			StatefulRedisPubSubConnection<String, String> pubSub = client.connectPubSub();
			pubSub.addListener(new RedisPubSubAdapter<>() {

				@Override
				public void message(String channel, String message) {
					// The starter's message: sender, kind, cache, key, one a line.
					String[] parts = message.split("\n", 4);
					if (parts.length == 4 && !parts[0].equals(instance) && copies != null) {
						copies.remove(parts[3]);
						heard.add(parts[3]);
						dropped(parts[3]);
					}
				}

			});
			pubSub.sync().subscribe(CHANNEL);
			this.listening = pubSub;
			return connection;
		}

		@Override
		void read(String key) {
			this.bCopies.computeIfAbsent(key, (missing) -> this.b.sync().get(PREFIX + missing));
		}

		@Override
		boolean holds(String key) {
			return this.bCopies.containsKey(key);
		}

		@Override
		void forget(String key) {
			this.bCopies.remove(key);
		}

		@Override
		long write(String key, String value) {
			this.a.sync()
				.evalsha(this.sha, ScriptOutputType.INTEGER, new String[] { PREFIX + key }, value,
						Long.toString(TTL.toMillis()), CHANNEL, "a\nE\n" + CACHE + "\n" + key);
			return System.nanoTime();
		}

		@Override
		boolean multiWrite(List<String> keys) {
			return false;
		}

		@Override
		List<Cut> cuts() {
			return List.of(new Cut("B's pub/sub",
					(admin) -> admin.commands().clientKill(KillArgs.Builder.typePubsub()),
					(admin) -> this.bListens.isOpen() && admin.subscribers(CHANNEL) >= 2));
		}

		@Override
		public void close() {
			this.clients.forEach((client) -> client.shutdown(Duration.ZERO, Duration.ofSeconds(2)));
		}

	}

	/**
	 * The starter's own classes: two cache managers, each on a connection factory of its
	 * own, each hearing the other's invalidations.
	 */
	private static final class Starter extends Way {

		private final List<Runnable> closing = new ArrayList<>();

		private final TwoLevelCache a;

		private final TwoLevelCache b;

		private final CacheInvalidations bListens;

		private volatile long aReplied;

		Starter(String name, BenchmarkRedis redis) {
			super(name);
			this.a = instance(redis, "a", () -> this.aReplied = System.nanoTime(), (key) -> {
			});
			CacheInvalidations[] listens = new CacheInvalidations[1];
			this.b = instance(redis, "b", () -> {
			}, (key) -> {
				this.heard.add(key);
				dropped(key);
			}, listens);
			this.bListens = listens[0];
		}

		private TwoLevelCache instance(BenchmarkRedis redis, String instance, Runnable sent,
				Consumer<String> dropped) {
			return instance(redis, instance, sent, dropped, new CacheInvalidations[1]);
		}

		private TwoLevelCache instance(BenchmarkRedis redis, String instance, Runnable sent,
				Consumer<String> dropped, CacheInvalidations[] listens) {
			LettuceConnectionFactory factory = EventBusLoad.connectionFactory(redis);
			this.closing.add(0, factory::destroy);
			CacheObserver observer = new CacheObserver() {

				@Override
				public void invalidationSent(String cache) {
					sent.run();
				}

			};
			RedisCacheStore store = new RedisCacheStore(
					new RedisGuards(new RedisConnector(factory, Runnable::run), new ScalabilityProperties.Redis(),
							CircuitBreakerRegistry.ofDefaults())
						.forFeature("cache", new FeatureRedisProperties()),
					new RedisKeys(PREFIX), instance, observer);
			TwoLevelCacheManager manager = new TwoLevelCacheManager(List.of(),
					(cache) -> new CacheSpec(cache, TTL, 1_000, Duration.ofMinutes(1)), store,
					new CacheValueCodec(JsonMapper.builder().build(), List.of()), observer, Ticker.systemTicker()) {

				@Override
				public void dropLocal(String cache, String key) {
					super.dropLocal(cache, key);
					dropped.accept(key);
				}

			};
			manager.afterPropertiesSet();
			CacheInvalidations invalidations = new CacheInvalidations(new DedicatedConnections(factory), store,
					instance, manager, Duration.ofSeconds(2));
			invalidations.subscribe();
			this.closing.add(0, invalidations::close);
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
			while (!invalidations.isListening()) {
				if (System.nanoTime() > deadline) {
					throw new IllegalStateException("instance " + instance + " does not hear invalidations");
				}
				Thread.onSpinWait();
			}
			listens[0] = invalidations;
			return (TwoLevelCache) manager.getCache(CACHE);
		}

		@Override
		void read(String key) {
			this.b.get(key);
		}

		@Override
		@SuppressWarnings("unchecked")
		boolean holds(String key) {
			return ((com.github.benmanes.caffeine.cache.Cache<String, Object>) this.b.getNativeCache())
				.getIfPresent(key) != null;
		}

		@Override
		@SuppressWarnings("unchecked")
		void forget(String key) {
			((com.github.benmanes.caffeine.cache.Cache<String, Object>) this.b.getNativeCache()).invalidate(key);
		}

		@Override
		long write(String key, String value) {
			this.a.put(key, value);
			return this.aReplied;
		}

		@Override
		boolean multiWrite(List<String> keys) {
			return false;
		}

		@Override
		List<Cut> cuts() {
			return List.of(new Cut("B's pub/sub",
					(admin) -> admin.commands().clientKill(KillArgs.Builder.typePubsub()),
					(admin) -> this.bListens.isListening()));
		}

		@Override
		public void close() {
			this.closing.forEach(Runnable::run);
		}

	}

	/**
	 * Redis's own tracking of the keys a client read: through Lettuce's
	 * {@link ClientSideCaching} on RESP3, or by hand on RESP2 with the invalidations
	 * redirected to a pub/sub connection, in broadcast mode.
	 */
	private static final class Tracking extends Way {

		private final boolean broadcast;

		private final List<RedisClient> clients = new ArrayList<>();

		private final StatefulRedisConnection<String, String> a;

		/**
		 * B's connection whose reads Redis tracks.
		 */
		private final StatefulRedisConnection<String, String> bTracked;

		private final Map<String, String> bCopies = new ConcurrentHashMap<>();

		private CacheFrontend<String, String> bFrontend;

		private StatefulRedisPubSubConnection<String, String> bListens;

		private StatefulRedisConnection<String, String> tracked;

		private StatefulRedisPubSubConnection<String, String> redirect;

		private CacheFrontend<String, String> frontend;

		Tracking(String name, RedisURI uri, boolean broadcast) {
			super(name);
			this.broadcast = broadcast;
			this.a = instance(uri, new ConcurrentHashMap<>(), false);
			instance(uri, this.bCopies, true);
			this.bTracked = this.tracked;
			this.bFrontend = this.frontend;
			this.bListens = this.redirect;
		}

		/**
		 * Opens an instance's connections.
		 * @return the connection it writes on
		 */
		private StatefulRedisConnection<String, String> instance(RedisURI uri, Map<String, String> copies,
				boolean isB) {
			RedisClient client = RedisClient.create(uri);
			this.clients.add(client);
			if (!this.broadcast) {
				// The application's connection, for writes, and one whose reads are tracked.
				client.setOptions(ClientOptions.builder().protocolVersion(ProtocolVersion.RESP3).build());
				StatefulRedisConnection<String, String> writes = client.connect();
				StatefulRedisConnection<String, String> reads = client.connect();
				this.tracked = reads;
				this.frontend = ClientSideCaching.enable(CacheAccessor.forMap(copies), reads,
						TrackingArgs.Builder.enabled());
				((ClientSideCaching<String, String>) this.frontend).addInvalidationListener((key) -> {
					if (isB) {
						String name = key.substring(PREFIX.length());
						heard.add(name);
						dropped(name);
					}
				});
				return writes;
			}
			// One connection for reads and writes, tracked, and the pub/sub connection its
			// invalidations go to.
			client.setOptions(ClientOptions.builder().protocolVersion(ProtocolVersion.RESP2).build());
			StatefulRedisPubSubConnection<String, String> pubSub = client.connectPubSub();
			long id = pubSub.sync().clientId();
			pubSub.addListener(new RedisPubSubAdapter<>() {

				@Override
				public void message(String channel, String message) {
					if (!isB || !TRACKING_CHANNEL.equals(channel)) {
						return;
					}
					if (message == null) {
						// FLUSHALL, or a broken redirect: everything goes.
						copies.clear();
						heard.add("(null)");
						return;
					}
					String name = message.substring(PREFIX.length());
					copies.remove(name);
					heard.add(name);
					dropped(name);
				}

			});
			pubSub.sync().subscribe(TRACKING_CHANNEL);
			StatefulRedisConnection<String, String> connection = client.connect();
			connection.sync()
				.clientTracking(TrackingArgs.Builder.enabled().redirect(id).bcast().prefixes(PREFIX).noloop());
			this.tracked = connection;
			this.redirect = pubSub;
			return connection;
		}

		@Override
		void read(String key) {
			if (this.broadcast) {
				this.bCopies.computeIfAbsent(key, (missing) -> this.bTracked.sync().get(PREFIX + missing));
			}
			else {
				this.bFrontend.get(PREFIX + key);
			}
		}

		@Override
		boolean holds(String key) {
			return this.bCopies.containsKey(this.broadcast ? key : PREFIX + key);
		}

		@Override
		void forget(String key) {
			this.bCopies.remove(this.broadcast ? key : PREFIX + key);
		}

		@Override
		long write(String key, String value) {
			this.a.sync().set(PREFIX + key, value, SetArgs.Builder.px(TTL.toMillis()));
			return System.nanoTime();
		}

		@Override
		boolean multiWrite(List<String> keys) {
			Map<String, String> values = new LinkedHashMap<>();
			keys.forEach((key) -> values.put(PREFIX + key, "v"));
			this.a.sync().mset(values);
			return true;
		}

		@Override
		List<Cut> cuts() {
			List<Cut> cuts = new ArrayList<>();
			long[] trackedId = { this.bTracked.sync().clientId() };
			cuts.add(new Cut(this.broadcast ? "B's tracked connection" : "B's ClientSideCaching connection",
					(admin) -> admin.commands().clientKill(KillArgs.Builder.id(trackedId[0])),
					(admin) -> this.bTracked.isOpen() && "PONG".equals(this.bTracked.sync().ping())));
			if (this.broadcast) {
				cuts.add(new Cut("B's pub/sub (the redirect target)",
						(admin) -> admin.commands().clientKill(KillArgs.Builder.typePubsub()),
						(admin) -> this.bListens.isOpen() && admin.subscribers(TRACKING_CHANNEL) >= 2));
			}
			return cuts;
		}

		@Override
		String trackingFlags(Admin admin) {
			long id = this.bTracked.sync().clientId();
			Map<String, String> fields = admin.client(id);
			return "id " + id + ": flags=" + fields.getOrDefault("flags", "?") + ", redir="
					+ fields.getOrDefault("redir", "?");
		}

		@Override
		public void close() {
			this.clients.forEach((client) -> client.shutdown(Duration.ZERO, Duration.ofSeconds(2)));
		}

	}

}
