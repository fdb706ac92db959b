package dev.scalability.events.memory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.scalability.delivery.PayloadCodec;
import dev.scalability.events.DeliveryVerdict;
import dev.scalability.events.EventBusBackend;
import dev.scalability.events.EventBusObserver;
import dev.scalability.events.EventBusSettings;
import dev.scalability.events.EventDeadLetter;
import dev.scalability.events.EventDispatcher;
import dev.scalability.events.EventHeaders;
import dev.scalability.events.EventId;
import dev.scalability.events.EventPublishException;
import dev.scalability.events.EventTracing;
import dev.scalability.events.PendingReplies;
import dev.scalability.events.Subscription;
import dev.scalability.events.TopicSnapshot;
import dev.scalability.time.MonotonicClock;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The event bus of one JVM: topics kept in memory, each listener served by its own
 * threads ({@code concurrency} of them). Payloads still travel as JSON, so that listeners
 * see what they would see from a shared backend. Bounded: at most {@code maxTopics}
 * topics, {@code retention} events and {@code deadLetterRetention} dead letters each.
 * Events not handled when the JVM exits are lost with it.
 */
public class MemoryEventBus implements EventBusBackend {

	private static final Log logger = LogFactory.getLog(MemoryEventBus.class);

	private final EventBusSettings settings;

	private final PayloadCodec codec;

	private final EventBusObserver observer;

	private final EventTracing tracing;

	private final MonotonicClock clock;

	private final PendingReplies replies;

	private final EventDispatcher dispatcher;

	private final Map<String, MemoryTopic> topics = new ConcurrentHashMap<>();

	private final List<Listener> listeners = new CopyOnWriteArrayList<>();

	private final Object lifecycleMonitor = new Object();

	private final List<Thread> workers = new ArrayList<>();

	private volatile int generation;

	private volatile boolean running;

	/**
	 * Creates a bus that traces nothing.
	 * @param settings retries and bounds
	 * @param codec writes and reads payloads
	 * @param observer hears what the bus does
	 * @param clock gives events their time
	 */
	public MemoryEventBus(EventBusSettings settings, PayloadCodec codec, EventBusObserver observer,
			MonotonicClock clock) {
		this(settings, codec, observer, EventTracing.NONE, clock);
	}

	/**
	 * Creates a bus.
	 * @param settings retries and bounds
	 * @param codec writes and reads payloads
	 * @param observer hears what the bus does
	 * @param tracing carries traces from publishers to listeners
	 * @param clock gives events their time
	 */
	public MemoryEventBus(EventBusSettings settings, PayloadCodec codec, EventBusObserver observer,
			EventTracing tracing, MonotonicClock clock) {
		this.settings = settings;
		this.codec = codec;
		this.observer = observer;
		this.tracing = tracing;
		this.clock = clock;
		this.replies = new PendingReplies(codec);
		this.dispatcher = new EventDispatcher(settings.retryPolicy(), codec, this.replies, observer, tracing, clock);
	}

	@Override
	public String publish(String topic, Object payload) {
		return publish(topic, payload, Map.of());
	}

	@Override
	public CompletableFuture<String> publishAsync(String topic, Object payload) {
		try {
			return CompletableFuture.completedFuture(publish(topic, payload));
		}
		catch (EventPublishException ex) {
			return CompletableFuture.failedFuture(ex);
		}
	}

	@Override
	public <R> CompletableFuture<R> request(String topic, Object payload, Class<R> reply, Duration timeout) {
		String correlationId = UUID.randomUUID().toString();
		CompletableFuture<R> answer = this.replies.expect(correlationId, reply, timeout, topic);
		try {
			publish(topic, payload, Map.of(EventHeaders.CORRELATION_ID, correlationId, EventHeaders.REPLY_TO, "local"));
		}
		catch (RuntimeException ex) {
			this.replies.forget(correlationId);
			throw ex;
		}
		return answer;
	}

	@Override
	public void replay(String topic, String group, String fromId) {
		EventId from = EventId.parse(fromId);
		MemoryTopic memoryTopic = this.topics.get(topic);
		if (memoryTopic == null || !memoryTopic.replay(group, from)) {
			throw new IllegalArgumentException("Topic '" + topic + "' has no group '" + group + "'");
		}
	}

	@Override
	public void subscribe(Subscription subscription) {
		MemoryTopic topic = topic(subscription.topic());
		MemoryGroup group = topic.addGroup(subscription);
		this.observer.groupAdded(subscription.topic(), subscription.group(), () -> topic.lag(group));
		Listener listener = new Listener(topic, group);
		synchronized (this.lifecycleMonitor) {
			this.listeners.add(listener);
			if (this.running) {
				startWorkers(listener, this.generation);
			}
		}
	}

	@Override
	public void start() {
		synchronized (this.lifecycleMonitor) {
			if (this.running) {
				return;
			}
			this.running = true;
			int current = ++this.generation;
			this.listeners.forEach((listener) -> startWorkers(listener, current));
		}
	}

	@Override
	public boolean stop(Duration timeout) {
		List<Thread> stopping;
		synchronized (this.lifecycleMonitor) {
			if (!this.running) {
				return true;
			}
			// The generation moves first: whoever sees the bus stopped knows no worker takes more.
			this.generation++;
			this.running = false;
			stopping = new ArrayList<>(this.workers);
			this.workers.clear();
		}
		this.topics.values().forEach(MemoryTopic::wakeAll);
		boolean finished = awaitWorkers(stopping, System.nanoTime() + timeout.toNanos());
		if (!finished) {
			logger.warn("Event handlers still running after " + timeout
					+ " (spring.lifecycle.timeout-per-shutdown-phase) were interrupted; their events are retried "
					+ "if the bus starts again");
			stopping.forEach(Thread::interrupt);
		}
		logWaitingEvents();
		return finished;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public List<TopicSnapshot> topics() {
		return this.topics.values()
			.stream()
			.map(MemoryTopic::snapshot)
			.sorted(Comparator.comparing(TopicSnapshot::topic))
			.toList();
	}

	@Override
	public List<EventDeadLetter> deadLetters(String topic) {
		MemoryTopic memoryTopic = this.topics.get(topic);
		return (memoryTopic != null) ? memoryTopic.deadLetters() : List.of();
	}

	@Override
	public int redrive(String topic, String id) {
		MemoryTopic memoryTopic = this.topics.get(topic);
		return (memoryTopic != null) ? memoryTopic.redrive(id::equals) : 0;
	}

	@Override
	public int redriveAll(String topic) {
		MemoryTopic memoryTopic = this.topics.get(topic);
		return (memoryTopic != null) ? memoryTopic.redrive((id) -> true) : 0;
	}

	@Override
	public long lag(String topic, String group) {
		MemoryTopic memoryTopic = this.topics.get(topic);
		return (memoryTopic != null) ? memoryTopic.lag(group) : -1;
	}

	@Override
	public String backend() {
		return "memory";
	}

	@Override
	public Map<String, Object> details() {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("topics", this.topics.size());
		details.put("retention", this.settings.retention());
		details.put("deadLetterRetention", this.settings.deadLetterRetention());
		long forgotten = this.topics.values().stream().mapToLong(MemoryTopic::deadLettersForgotten).sum();
		if (forgotten > 0) {
			details.put("deadLettersForgotten", forgotten);
		}
		return details;
	}

	/**
	 * The requests waiting for an answer.
	 * @return how many
	 */
	public int pendingRequests() {
		return this.replies.size();
	}

	private String publish(String topic, Object payload, Map<String, String> headers) {
		String json = this.codec.write(payload);
		MemoryTopic memoryTopic = topic(topic);
		String id = this.tracing.publish(topic, headers,
				(traced) -> memoryTopic.append(traced, json, this.clock.nanos() / 1_000_000).id());
		this.observer.published(topic);
		return id;
	}

	private MemoryTopic topic(String name) {
		if (name == null || name.isBlank()) {
			throw new IllegalArgumentException("The topic must not be blank");
		}
		MemoryTopic topic = this.topics.get(name);
		if (topic != null) {
			return topic;
		}
		synchronized (this.topics) {
			topic = this.topics.get(name);
			if (topic == null) {
				if (this.topics.size() >= this.settings.maxTopics()) {
					throw new EventPublishException("The bus keeps " + this.topics.size() + " topics "
							+ "(scalability.events.max-topics): topic '" + name + "' is not created");
				}
				topic = new MemoryTopic(name, this.settings.retention(), this.settings.deadLetterRetention(),
						this.observer);
				this.topics.put(name, topic);
			}
			return topic;
		}
	}

	private void startWorkers(Listener listener, int workerGeneration) {
		Subscription subscription = listener.group().subscription();
		for (int i = 1; i <= subscription.concurrency(); i++) {
			Thread worker = new Thread(() -> work(listener, workerGeneration),
					"events-" + subscription.topic() + "-" + subscription.group() + "-" + i);
			worker.setDaemon(true);
			this.workers.add(worker);
			worker.start();
		}
	}

	private void work(Listener listener, int workerGeneration) {
		MemoryTopic topic = listener.topic();
		MemoryGroup group = listener.group();
		while (true) {
			MemoryGroup.Delivery delivery;
			try {
				delivery = topic.take(group, () -> this.generation == workerGeneration);
			}
			catch (InterruptedException ex) {
				return;
			}
			if (delivery == null) {
				return;
			}
			DeliveryVerdict verdict = this.dispatcher.deliver(group.subscription(), delivery.event(),
					delivery.attemptsMade() + 1);
			topic.settle(group, delivery, verdict);
		}
	}

	private static boolean awaitWorkers(List<Thread> workers, long deadline) {
		for (Thread worker : workers) {
			long remaining = deadline - System.nanoTime();
			try {
				if (remaining > 0) {
					worker.join(Math.max(1, remaining / 1_000_000));
				}
				if (worker.isAlive()) {
					return false;
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return false;
			}
		}
		return true;
	}

	private void logWaitingEvents() {
		for (TopicSnapshot topic : topics()) {
			for (TopicSnapshot.GroupSnapshot group : topic.groups()) {
				long waiting = group.lag() + group.pending();
				if (waiting > 0) {
					logger.info("Event bus stopped with " + waiting + " events of topic '" + topic.topic()
							+ "' not yet handled by group '" + group.group() + "': they are handled if it starts "
							+ "again, and lost when this JVM exits (memory backend)");
				}
			}
		}
	}

	private record Listener(MemoryTopic topic, MemoryGroup group) {

	}

}
