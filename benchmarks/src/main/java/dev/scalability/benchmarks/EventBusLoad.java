package dev.scalability.benchmarks;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;

import dev.scalability.delivery.Backoff;
import dev.scalability.delivery.HandlerInvoker;
import dev.scalability.delivery.JacksonPayloadCodec;
import dev.scalability.delivery.PayloadCodec;
import dev.scalability.delivery.RetryPolicy;
import dev.scalability.events.EventBusBackend;
import dev.scalability.events.EventBusObserver;
import dev.scalability.events.EventBusSettings;
import dev.scalability.events.EventTracing;
import dev.scalability.events.Subscription;
import dev.scalability.events.memory.MemoryEventBus;
import dev.scalability.events.redis.RedisEventBus;
import dev.scalability.events.redis.RedisEventBusSettings;
import dev.scalability.redis.DedicatedConnections;
import dev.scalability.redis.GuardedRedis;
import dev.scalability.redis.RedisConnector;
import dev.scalability.redis.RedisKeys;
import dev.scalability.time.MonotonicClock;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.connection.stream.Consumer;
import org.springframework.data.redis.connection.stream.MapRecord;
import org.springframework.data.redis.connection.stream.ReadOffset;
import org.springframework.data.redis.connection.stream.StreamOffset;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.stream.StreamMessageListenerContainer;
import org.springframework.data.redis.stream.StreamMessageListenerContainer.StreamMessageListenerContainerOptions;

/**
 * Events published to one topic and handled by two listener groups, each on
 * {@value #CONCURRENCY} threads, through one private Redis: the starter's Redis bus
 * against a bare Spring Data Redis {@link StreamMessageListenerContainer} doing the same
 * work ({@code XADD} through a {@link StringRedisTemplate}, {@code XREADGROUP} per group,
 * each event read from JSON into a record and acknowledged once handled), with the
 * starter's memory bus as the ceiling of one JVM. All in one JVM, one after the other on
 * an emptied Redis, each after a warm-up of its own.
 * <p>
 * Two measurements per contender:
 * <ul>
 * <li><b>throughput</b>: {@value #PUBLISHERS} threads publish as fast as the slower group
 * keeps up with, at most {@value #IN_FLIGHT} events ahead of it; the result is the events
 * per second both groups handled;</li>
 * <li><b>latency</b> at fixed rates (open loop): from the time an event was due to be
 * published to the time its handler was called, in each group, so a publisher that falls
 * behind its schedule counts against the contender (no coordinated omission).</li>
 * </ul>
 * Arguments: seconds per measurement (default 15), then the contenders to run (default
 * all: {@code starter-redis}, {@code starter-redis-async} (publishing with
 * {@code publishAsync} from one thread, at most {@value #MAX_UNSTORED} not stored yet),
 * {@code spring-data-redis}, {@code starter-memory}). Each contender first runs once
 * unmeasured, so that the JIT has compiled what they share before any is measured.
 */
public final class EventBusLoad {

	static final String TOPIC = "orders.created";

	static final List<String> GROUPS = List.of("billing", "shipping");

	static final int CONCURRENCY = 4;

	static final int PUBLISHERS = 8;

	static final int IN_FLIGHT = 20_000;

	/**
	 * Publishes sent and not yet stored at once, at most, when publishing does not wait.
	 */
	static final int MAX_UNSTORED = 1_000;

	static final int[] RATES = { 200, 10_000 };

	private static final AtomicLong FAILED_PUBLISHES = new AtomicLong();

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private EventBusLoad() {
	}

	public static void main(String[] args) throws Exception {
		int seconds = (args.length > 0) ? Integer.parseInt(args[0]) : 15;
		List<String> contenders = (args.length > 1) ? List.of(args).subList(1, args.length)
				: List.of("starter-redis", "starter-redis-async", "spring-data-redis", "starter-memory");
		List<String> throughput = new ArrayList<>();
		List<String> latency = new ArrayList<>();
		try (BenchmarkRedis redis = BenchmarkRedis.start()) {
			// The JIT compiles what every contender shares (Lettuce, Jackson) while the first
			// one runs: a round of each, not measured, keeps the first from paying for all.
			for (String name : contenders) {
				redis.flushAll();
				throughput(name + " (JVM warm-up)", contender(name, redis), redis, seconds);
			}
			for (String name : contenders) {
				Function<Sink, Contender> factory = contender(name, redis);
				redis.flushAll();
				throughput.add(throughput(name, factory, redis, seconds));
				for (int rate : RATES) {
					redis.flushAll();
					latency.add(latency(name, factory, rate, seconds));
				}
			}
		}
		System.out.println();
		System.out.println("| contender | events/s through both groups | publishes/s | Redis commands per event |");
		System.out.println("|---|---|---|---|");
		throughput.forEach(System.out::println);
		System.out.println();
		System.out.println("| contender | rate (events/s) | p50 (ms) | p99 (ms) | p99.9 (ms) | max (ms) | handled |");
		System.out.println("|---|---|---|---|---|---|---|");
		latency.forEach(System.out::println);
	}

	private static Function<Sink, Contender> contender(String name, BenchmarkRedis redis) {
		return switch (name) {
			case "starter-redis" -> (sink) -> new StarterContender(sink, redis, true, false);
			case "starter-redis-async" -> (sink) -> new StarterContender(sink, redis, true, true);
			case "starter-memory" -> (sink) -> new StarterContender(sink, redis, false, false);
			case "spring-data-redis" -> (sink) -> new SpringDataRedisContender(sink, redis);
			default -> throw new IllegalArgumentException("Unknown contender " + name);
		};
	}

	private static String throughput(String name, Function<Sink, Contender> factory, BenchmarkRedis redis,
			int seconds) throws Exception {
		Sink sink = new Sink();
		AtomicLong published = new AtomicLong();
		Publishers publishers = new Publishers();
		try (Contender contender = factory.apply(sink)) {
			Semaphore unstored = new Semaphore(MAX_UNSTORED);
			for (int i = 0; i < contender.publishers(); i++) {
				publishers.start(() -> {
					while (publishers.running()) {
						if (published.get() - sink.slowestGroup() > IN_FLIGHT || !unstored.tryAcquire()) {
							LockSupport.parkNanos(1_000_000);
							continue;
						}
						long sequence = published.incrementAndGet();
						contender.publish(new OrderCreated(sequence, "customer-" + (sequence % 1000),
								sequence * 7, System.nanoTime()), unstored::release);
					}
				});
			}
			log(name + ": throughput warm-up");
			Thread.sleep(Math.max(5, seconds / 2) * 1000L);
			long handledBefore = sink.slowestGroup();
			long publishedBefore = published.get();
			Map<String, Long> callsBefore = redis.commandCalls();
			long start = System.nanoTime();
			log(name + ": throughput measurement");
			Thread.sleep(seconds * 1000L);
			double elapsed = (System.nanoTime() - start) / 1e9;
			long handled = sink.slowestGroup() - handledBefore;
			long publishes = published.get() - publishedBefore;
			long commands = commandsSince(callsBefore, redis.commandCalls());
			publishers.stop();
			String perEvent = (commands > 0) ? String.format(Locale.ROOT, "%.2f", (double) commands / handled) : "–";
			long failed = FAILED_PUBLISHES.getAndSet(0);
			if (failed > 0) {
				log(name + ": " + failed + " publishes failed");
			}
			return String.format(Locale.ROOT, "| %s | %,.0f | %,.0f | %s |", name, handled / elapsed,
					publishes / elapsed, perEvent);
		}
	}

	private static String latency(String name, Function<Sink, Contender> factory, int rate, int seconds)
			throws Exception {
		Sink sink = new Sink();
		Publishers publishers = new Publishers();
		int threads = (rate >= 1_000) ? 16 : 1;
		Runnable ignored = () -> {
		};
		long period = TimeUnit.SECONDS.toNanos(1) * threads / rate;
		AtomicLong published = new AtomicLong();
		try (Contender contender = factory.apply(sink)) {
			long origin = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
			for (int i = 0; i < threads; i++) {
				long first = origin + TimeUnit.SECONDS.toNanos(1) * i / rate;
				publishers.start(() -> {
					for (long due = first; publishers.running(); due += period) {
						long wait = due - System.nanoTime();
						if (wait > 0) {
							LockSupport.parkNanos(wait);
						}
						long sequence = published.incrementAndGet();
						contender.publish(new OrderCreated(sequence, "customer-" + (sequence % 1000), sequence * 7, due),
								ignored);
					}
				});
			}
			log(name + ": latency warm-up at " + rate + " events/s");
			Thread.sleep(Math.max(5, seconds / 3) * 1000L);
			sink.latency.reset();
			log(name + ": latency measurement at " + rate + " events/s");
			Thread.sleep(seconds * 1000L);
			Histogram histogram = sink.latency.getIntervalHistogram();
			publishers.stop();
			return String.format(Locale.ROOT, "| %s | %,d | %.2f | %.2f | %.2f | %.2f | %,d |", name, rate,
					millis(histogram.getValueAtPercentile(50)), millis(histogram.getValueAtPercentile(99)),
					millis(histogram.getValueAtPercentile(99.9)), millis(histogram.getMaxValue()),
					histogram.getTotalCount());
		}
	}

	private static long commandsSince(Map<String, Long> before, Map<String, Long> after) {
		long commands = 0;
		for (Map.Entry<String, Long> entry : after.entrySet()) {
			// The benchmark's own INFO calls are not the contender's.
			if (!entry.getKey().equals("info")) {
				commands += entry.getValue() - before.getOrDefault(entry.getKey(), 0L);
			}
		}
		return commands;
	}

	private static double millis(long nanos) {
		return nanos / 1e6;
	}

	private static void log(String message) {
		System.err.println(java.time.LocalTime.now() + " " + message);
	}

	/**
	 * The event published: what an order service would send.
	 * @param orderId the order
	 * @param customer who placed it
	 * @param cents its total
	 * @param dueNanos when it was due to be published, in {@link System#nanoTime()}
	 */
	public record OrderCreated(long orderId, String customer, long cents, long dueNanos) {

	}

	/**
	 * What every contender's listeners do with an event once it is read: count it per
	 * group, and time it from when it was due to be published.
	 */
	static final class Sink {

		private final LongAdder[] handled = new LongAdder[GROUPS.size()];

		private final Recorder latency = new Recorder(TimeUnit.SECONDS.toNanos(60), 3);

		Sink() {
			for (int i = 0; i < this.handled.length; i++) {
				this.handled[i] = new LongAdder();
			}
		}

		void handled(int group, OrderCreated event) {
			this.latency.recordValue(Math.min(TimeUnit.SECONDS.toNanos(60), Math.max(0, System.nanoTime() - event.dueNanos())));
			this.handled[group].increment();
		}

		long slowestGroup() {
			long slowest = Long.MAX_VALUE;
			for (LongAdder group : this.handled) {
				slowest = Math.min(slowest, group.sum());
			}
			return slowest;
		}

	}

	interface Contender extends AutoCloseable {

		/**
		 * Publishes an event.
		 * @param event the event
		 * @param stored called once the event is stored, maybe before this returns
		 */
		void publish(OrderCreated event, Runnable stored);

		/**
		 * How many threads publish: one per call in flight when a publish waits for Redis.
		 */
		default int publishers() {
			return PUBLISHERS;
		}

	}

	/**
	 * The listener method the starter invokes, as {@code @EventBusListener} would.
	 */
	public static final class Listener {

		private final Sink sink;

		private final int group;

		Listener(Sink sink, int group) {
			this.sink = sink;
			this.group = group;
		}

		public void on(OrderCreated event) {
			this.sink.handled(this.group, event);
		}

		static Method method() {
			try {
				return Listener.class.getMethod("on", OrderCreated.class);
			}
			catch (NoSuchMethodException ex) {
				throw new IllegalStateException(ex);
			}
		}

	}

	/**
	 * The starter's bus as the auto-configuration wires it, on Redis or in memory.
	 */
	static final class StarterContender implements Contender {

		private final Deque<AutoCloseable> resources = new ArrayDeque<>();

		private final EventBusBackend bus;

		private final boolean async;

		StarterContender(Sink sink, BenchmarkRedis server, boolean onRedis, boolean async) {
			this.async = async;
			PayloadCodec codec = new JacksonPayloadCodec(JSON);
			EventBusSettings settings = new EventBusSettings(
					new RetryPolicy(5, Backoff.exponential(Duration.ofSeconds(1), Duration.ofMinutes(5))), 100_000,
					10_000, 1_000);
			if (onRedis) {
				LettuceConnectionFactory factory = connectionFactory(server);
				this.resources.push(factory::destroy);
				GuardedRedis redis = new GuardedRedis(new RedisConnector(factory, onDaemonThread()),
						Duration.ofMillis(500), CircuitBreaker.of("events", CircuitBreakerConfig.ofDefaults()));
				RedisEventBus redisBus = new RedisEventBus(settings,
						RedisEventBusSettings.of("bench-1", Duration.ofSeconds(30), 1_000_000), redis,
						new DedicatedConnections(factory), new RedisKeys("bench:"), codec, EventBusObserver.NONE,
						EventTracing.NONE, MonotonicClock.system());
				redisBus.warmUp(Duration.ofSeconds(5));
				this.bus = redisBus;
			}
			else {
				this.bus = new MemoryEventBus(settings, codec, EventBusObserver.NONE, MonotonicClock.system());
			}
			for (int group = 0; group < GROUPS.size(); group++) {
				HandlerInvoker invoker = HandlerInvoker.of(new Listener(sink, group), Listener.method(), codec);
				this.bus.subscribe(new Subscription(TOPIC, GROUPS.get(group), CONCURRENCY,
						(event) -> invoker.invoke(event.payload()), "benchmark listener"));
			}
			this.bus.start();
		}

		@Override
		public void publish(OrderCreated event, Runnable stored) {
			if (this.async) {
				this.bus.publishAsync(TOPIC, event).whenComplete((id, failure) -> {
					if (failure != null && FAILED_PUBLISHES.getAndIncrement() == 0) {
						failure.printStackTrace();
					}
					stored.run();
				});
			}
			else {
				this.bus.publish(TOPIC, event);
				stored.run();
			}
		}

		@Override
		public int publishers() {
			return this.async ? 1 : PUBLISHERS;
		}

		@Override
		public void close() throws Exception {
			this.bus.stop(Duration.ofSeconds(10));
			while (!this.resources.isEmpty()) {
				this.resources.pop().close();
			}
		}

	}

	/**
	 * What a user writes with Spring Data Redis alone: a {@link StringRedisTemplate} that
	 * adds the event as JSON, and a listener container with {@value #CONCURRENCY}
	 * consumers per group (one polling thread each), each reading the JSON into the record
	 * and acknowledging it.
	 */
	static final class SpringDataRedisContender implements Contender {

		private static final String STREAM = "bench:sdr:" + TOPIC;

		private final LettuceConnectionFactory factory;

		private final StringRedisTemplate template;

		private final StreamMessageListenerContainer<String, MapRecord<String, String, String>> container;

		private volatile boolean closing;

		SpringDataRedisContender(Sink sink, BenchmarkRedis server) {
			this.factory = connectionFactory(server);
			this.template = new StringRedisTemplate(this.factory);
			this.container = StreamMessageListenerContainer.create(this.factory, StreamMessageListenerContainerOptions
				.builder()
				.pollTimeout(Duration.ofMillis(100))
				.batchSize(100)
				.errorHandler((failure) -> {
					if (!this.closing) {
						failure.printStackTrace();
					}
				})
				.build());
			for (int group = 0; group < GROUPS.size(); group++) {
				String name = GROUPS.get(group);
				this.template.execute((RedisCallback<Object>) (connection) -> {
					connection.streamCommands()
						.xGroupCreate(STREAM.getBytes(java.nio.charset.StandardCharsets.UTF_8), name,
								ReadOffset.from("0-0"), true);
					return null;
				});
				int index = group;
				for (int consumer = 0; consumer < CONCURRENCY; consumer++) {
					this.container.receive(Consumer.from(name, "bench-1-" + consumer),
							StreamOffset.create(STREAM, ReadOffset.lastConsumed()), (message) -> {
								OrderCreated event = JSON.readValue(message.getValue().get("payload"),
										OrderCreated.class);
								sink.handled(index, event);
								this.template.opsForStream().acknowledge(STREAM, name, message.getId());
							});
				}
			}
			this.container.start();
		}

		@Override
		public void publish(OrderCreated event, Runnable stored) {
			this.template.opsForStream()
				.add(MapRecord.create(STREAM, Map.of("payload", JSON.writeValueAsString(event))));
			stored.run();
		}

		@Override
		public void close() {
			this.closing = true;
			this.container.stop();
			this.factory.destroy();
		}

	}

	/**
	 * Publishing threads, stopped together.
	 */
	static final class Publishers {

		private final List<Thread> threads = new ArrayList<>();

		private volatile boolean running = true;

		void start(Runnable work) {
			Thread thread = new Thread(() -> {
				try {
					work.run();
				}
				catch (RuntimeException ex) {
					if (this.running) {
						ex.printStackTrace();
					}
				}
			}, "publisher-" + this.threads.size());
			thread.setDaemon(true);
			this.threads.add(thread);
			thread.start();
		}

		boolean running() {
			return this.running;
		}

		void stop() throws InterruptedException {
			this.running = false;
			for (Thread thread : this.threads) {
				thread.join(10_000);
			}
		}

	}

	static LettuceConnectionFactory connectionFactory(BenchmarkRedis server) {
		LettuceConnectionFactory factory = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration(server.endpoint().host(), server.endpoint().port()));
		factory.afterPropertiesSet();
		factory.start();
		return factory;
	}

	private static Executor onDaemonThread() {
		return (task) -> {
			Thread thread = new Thread(task, "bench-redis-connect");
			thread.setDaemon(true);
			thread.start();
		};
	}

}
