package dev.scalability.events.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import dev.scalability.delivery.PayloadCodec;
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
import dev.scalability.redis.DedicatedConnections;
import dev.scalability.redis.EvictionPolicyCheck;
import dev.scalability.redis.GuardedRedis;
import dev.scalability.redis.RedisCallException;
import dev.scalability.redis.RedisKeys;
import dev.scalability.redis.RedisWarmUp;
import dev.scalability.time.MonotonicClock;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.XAddArgs;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The event bus on Redis Streams, shared by every instance of the application: one stream
 * per topic, one consumer group per listener group, this instance one consumer in each
 * (named by its instance id). A publish returns once {@code XADD} succeeded. Each group
 * gets every event; within a group each goes to one consumer, at least once: acknowledged
 * after its handler returned, retried after its backoff while pending, claimed by another
 * instance when its consumer stops showing signs of life for {@code claimIdle}, and after
 * its last try moved to the topic's dead letters. Streams keep their latest
 * {@code retention} entries, never trimming one that a group still needs, up to a hard
 * cap. See {@link EventStreams} for the keys.
 */
public class RedisEventBus implements EventBusBackend, RedisWarmUp {

	private static final Log logger = LogFactory.getLog(RedisEventBus.class);

	private static final long REPLY_LISTEN_RETRY_MILLIS = 1_000;

	private final EventBusSettings settings;

	private final RedisEventBusSettings redisSettings;

	private final GuardedRedis redis;

	private final EventStreams streams;

	private final PayloadCodec codec;

	private final EventBusObserver observer;

	private final EventTracing tracing;

	private final PendingReplies replies;

	private final RedisReplyChannel replyChannel;

	private final WorkerContext context;

	private final TopicStreams topics;

	private final Map<String, GroupWorker> workers = new ConcurrentHashMap<>();

	private final LongAdder lost = new LongAdder();

	private final LongAdder deadLettersForgotten = new LongAdder();

	private final Object lifecycleMonitor = new Object();

	private ScheduledExecutorService maintenance;

	private ScheduledExecutorService renewal;

	private volatile boolean running;

	private final EvictionPolicyCheck evictionPolicy;

	/**
	 * Publishes sent without waiting and not stored or refused yet.
	 */
	private final AtomicInteger publishing = new AtomicInteger();

	/**
	 * Creates a bus.
	 * @param settings retries and retention
	 * @param redisSettings how instances share work
	 * @param redis guarded calls on the application's connection
	 * @param connections dedicated connections for blocking reads and answers
	 * @param keys the key builder
	 * @param codec writes and reads payloads
	 * @param observer hears what the bus does
	 * @param tracing carries traces from publishers to listeners
	 * @param clock dates dead letters
	 */
	public RedisEventBus(EventBusSettings settings, RedisEventBusSettings redisSettings, GuardedRedis redis,
			DedicatedConnections connections, RedisKeys keys, PayloadCodec codec, EventBusObserver observer,
			EventTracing tracing, MonotonicClock clock) {
		this.settings = settings;
		this.redisSettings = redisSettings;
		this.redis = redis;
		this.evictionPolicy = new EvictionPolicyCheck(redis,
				"the event bus can lose whole topics, with their events, dead letters and groups", "publishes");
		this.streams = new EventStreams(keys);
		this.topics = new TopicStreams(redis, this.streams);
		this.codec = codec;
		this.observer = observer;
		this.tracing = tracing;
		this.replies = new PendingReplies(codec);
		this.replyChannel = new RedisReplyChannel(redisSettings.consumer(), this.replies, codec, redis, this.streams,
				connections);
		EventDispatcher dispatcher = new EventDispatcher(settings.retryPolicy(), codec, this.replyChannel, observer,
				tracing, clock);
		this.context = new WorkerContext(redis, this.streams, connections, dispatcher, redisSettings,
				settings.deadLetterRetention(), this.lost, this.deadLettersForgotten, observer);
	}

	@Override
	public String publish(String topic, Object payload) {
		return publish(topic, payload, Map.of());
	}

	@Override
	public CompletableFuture<String> publishAsync(String topic, Object payload) {
		checkTopic(topic);
		String json = this.codec.write(payload);
		CompletableFuture<String> stored = this.tracing.publishAsync(topic, Map.of(),
				(traced) -> storeAsync(topic, traced, json));
		// Callers' callbacks never run on the Redis client's I/O thread, which they could hold up.
		// Handed over by hand: CompletableFuture's own *Async methods start a thread per task
		// where the common pool has a single thread (two cores or fewer).
		CompletableFuture<String> published = new CompletableFuture<>();
		this.publishing.incrementAndGet();
		stored.whenComplete((id, failure) -> {
			if (failure == null) {
				this.topics.rememberInBackground(topic);
			}
			Runnable completion = () -> {
				try {
					if (failure == null) {
						this.observer.published(topic);
					}
				}
				finally {
					if (failure != null) {
						published.completeExceptionally((failure instanceof CompletionException
								&& failure.getCause() != null) ? failure.getCause() : failure);
					}
					else {
						published.complete(id);
					}
					published();
				}
			};
			try {
				this.replies.completions().execute(completion);
			}
			catch (RuntimeException ex) {
				completion.run();
			}
		});
		return published;
	}

	@Override
	public <R> CompletableFuture<R> request(String topic, Object payload, Class<R> reply, Duration timeout) {
		// Subscribed before the request goes out, so that a quick answer finds it listening;
		// while it cannot be, the request fails at once rather than time out unanswerable.
		if (!this.replyChannel.awaitListening(this.redis.timeout())) {
			return CompletableFuture.failedFuture(new EventPublishException("The request was not published to topic '"
					+ topic + "': this instance " + (this.running ? "cannot listen for answers yet (Redis unreachable)"
							: "is stopped")));
		}
		String correlationId = UUID.randomUUID().toString();
		CompletableFuture<R> answer = this.replies.expect(correlationId, reply, timeout, topic);
		try {
			publish(topic, payload, Map.of(EventHeaders.CORRELATION_ID, correlationId, EventHeaders.REPLY_TO,
					this.redisSettings.consumer()));
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
		boolean known;
		try {
			known = this.topics.replay(topic, group, from);
		}
		catch (RedisCallException ex) {
			throw new IllegalStateException("Topic '" + topic + "' cannot be replayed now: " + ex.getMessage(), ex);
		}
		if (!known) {
			throw new IllegalArgumentException("Topic '" + topic + "' has no group '" + group + "'");
		}
	}

	@Override
	public void subscribe(Subscription subscription) {
		checkTopic(subscription.topic());
		String name = subscription.topic() + '\n' + subscription.group();
		GroupWorker worker = new GroupWorker(subscription, this.context);
		GroupWorker existing = this.workers.putIfAbsent(name, worker);
		if (existing != null) {
			throw new IllegalStateException("Group '" + subscription.group() + "' of topic '" + subscription.topic()
					+ "' already has a listener on this instance, " + existing.subscription().description() + ", so "
					+ subscription.description() + " would get only some of its events: give it a group of its own");
		}
		worker.createGroups();
		this.topics.remember(subscription.topic());
		this.observer.groupAdded(subscription.topic(), subscription.group(),
				() -> Math.max(0, lag(subscription.topic(), subscription.group())));
		synchronized (this.lifecycleMonitor) {
			if (this.running) {
				worker.start();
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
			this.workers.values().forEach(GroupWorker::start);
			// Renewal has a thread of its own: trimming many topics, or a slow Redis, must not
			// hold it back past the claim bound, or other instances take what runs here.
			this.renewal = Executors.newSingleThreadScheduledExecutor((task) -> daemon(task, "events-renewal"));
			long renewMillis = Math.max(1, this.redisSettings.claimIdle().toMillis() / 3);
			this.renewal.scheduleWithFixedDelay(this::renew, renewMillis, renewMillis, TimeUnit.MILLISECONDS);
			this.maintenance = Executors
				.newSingleThreadScheduledExecutor((task) -> daemon(task, "events-maintenance"));
			// In the background, and again until it succeeds: a Redis away at start-up must not
			// hold the start-up, and requests made meanwhile fail rather than wait.
			this.replyChannel.open();
			this.maintenance.scheduleWithFixedDelay(this.replyChannel::listen, 0, REPLY_LISTEN_RETRY_MILLIS,
					TimeUnit.MILLISECONDS);
			this.maintenance.execute(this.evictionPolicy::check);
			long maintainMillis = this.redisSettings.maintenanceInterval().toMillis();
			this.maintenance.scheduleWithFixedDelay(this::maintain, maintainMillis, maintainMillis,
					TimeUnit.MILLISECONDS);
		}
	}

	@Override
	public boolean stop(Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		ScheduledExecutorService stoppingMaintenance;
		ScheduledExecutorService stoppingRenewal;
		synchronized (this.lifecycleMonitor) {
			if (!this.running) {
				return true;
			}
			this.running = false;
			stoppingMaintenance = this.maintenance;
			stoppingRenewal = this.renewal;
			this.maintenance = null;
			this.renewal = null;
		}
		stoppingMaintenance.shutdownNow();
		List<GroupWorker> all = new ArrayList<>(this.workers.values());
		List<CompletableFuture<Boolean>> stops = all.stream()
			.map((worker) -> CompletableFuture.supplyAsync(() -> worker.stop(deadline),
					(task) -> daemon(task, "events-stop").start()))
			.toList();
		boolean finished = stops.stream().map(CompletableFuture::join).reduce(true, Boolean::logicalAnd);
		// Only now: handlers finishing their events during the stop keep them renewed, so that
		// no other instance claims and runs them a second time meanwhile.
		stoppingRenewal.shutdownNow();
		if (!finished) {
			logger.warn("Event handlers still running after " + timeout
					+ " (spring.lifecycle.timeout-per-shutdown-phase) were interrupted; their events stay pending "
					+ "in Redis and are claimed by another instance after " + this.redisSettings.claimIdle());
		}
		this.replyChannel.close();
		awaitPublishes(deadline);
		return finished;
	}

	/**
	 * Waits for the publishes sent without waiting to be stored or refused, so that those
	 * made just before a shutdown are not cut off with the connection.
	 */
	private void awaitPublishes(long deadline) {
		synchronized (this.publishing) {
			long left;
			while (this.publishing.get() > 0 && (left = deadline - System.nanoTime()) > 0) {
				try {
					TimeUnit.NANOSECONDS.timedWait(this.publishing, left);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return;
				}
			}
		}
	}

	private void published() {
		if (this.publishing.decrementAndGet() == 0) {
			synchronized (this.publishing) {
				this.publishing.notifyAll();
			}
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public List<TopicSnapshot> topics() {
		try {
			return this.topics.snapshots();
		}
		catch (RedisCallException ex) {
			logger.debug("Topics not read: " + ex.getMessage());
			return List.of();
		}
	}

	@Override
	public List<EventDeadLetter> deadLetters(String topic) {
		try {
			return this.topics.deadLetters(topic);
		}
		catch (RedisCallException ex) {
			throw new IllegalStateException("The dead letters of topic '" + topic + "' cannot be read now: "
					+ ex.getMessage(), ex);
		}
	}

	@Override
	public int redrive(String topic, String id) {
		return this.topics.redrive(topic, id::equals);
	}

	@Override
	public int redriveAll(String topic) {
		return this.topics.redrive(topic, (id) -> true);
	}

	@Override
	public long lag(String topic, String group) {
		try {
			for (TopicSnapshot.GroupSnapshot snapshot : this.topics.snapshot(topic).groups()) {
				if (snapshot.group().equals(group)) {
					return snapshot.lag();
				}
			}
			return -1;
		}
		catch (RedisCallException ex) {
			return -1;
		}
	}

	@Override
	public String backend() {
		return "redis";
	}

	@Override
	public boolean degraded() {
		return this.redis.isHeldBack();
	}

	@Override
	public Map<String, Object> details() {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("consumer", this.redisSettings.consumer());
		details.put("listeners", this.workers.size());
		details.put("retention", this.settings.retention());
		details.put("maxLength", this.redisSettings.maxLength());
		details.put("claimIdle", this.redisSettings.claimIdle().toString());
		if (this.redis.circuitBreaker() != null) {
			details.put("circuitBreaker", this.redis.circuitBreaker().getState().name());
		}
		String policy = this.evictionPolicy.policy();
		if (policy != null && !policy.isEmpty()) {
			// Read at start: anything but noeviction can drop whole topics.
			details.put("maxmemoryPolicy", policy);
		}
		long lostEvents = this.lost.sum();
		if (lostEvents > 0) {
			details.put("lost", lostEvents);
		}
		long forgotten = this.deadLettersForgotten.sum();
		if (forgotten > 0) {
			details.put("deadLettersForgotten", forgotten);
		}
		return details;
	}

	@Override
	public boolean warmUp(Duration within) {
		return this.redis.warmUp(StreamScripts.ALL, within);
	}

	/**
	 * Trims a topic's stream down to its retention, keeping every entry a group still
	 * needs, and the redrive streams of this instance's groups of the topic down to what
	 * they still need. Runs in the background every maintenance interval; callable at any
	 * time.
	 * @param topic the topic
	 * @return how many entries went
	 */
	public long trim(String topic) {
		for (GroupWorker worker : this.workers.values()) {
			if (worker.subscription().topic().equals(topic)) {
				worker.trimRedrive();
			}
		}
		return this.topics.trim(topic, this.settings.retention());
	}

	/**
	 * Events that left a stream while a group still held them.
	 * @return how many, since this bus was created
	 */
	public long lostEvents() {
		return this.lost.sum();
	}

	/**
	 * Dead letters that left their topic's dead letters to make room for newer ones
	 * ({@code dead-letter-retention}), written by this instance.
	 * @return how many, since this bus was created
	 */
	public long deadLettersForgotten() {
		return this.deadLettersForgotten.sum();
	}

	/**
	 * The requests waiting for an answer.
	 * @return how many
	 */
	public int pendingRequests() {
		return this.replies.size();
	}

	private String publish(String topic, Object payload, Map<String, String> headers) {
		checkTopic(topic);
		String json = this.codec.write(payload);
		String id = this.tracing.publish(topic, headers, (traced) -> store(topic, traced, json));
		this.observer.published(topic);
		return id;
	}

	private String store(String topic, Map<String, String> headers, String json) {
		byte[] key = this.streams.stream(topic);
		Object[] fields = EventEntries.fields(headers, json);
		XAddArgs args = XAddArgs.Builder.maxlen(this.redisSettings.maxLength()).approximateTrimming();
		String id;
		try {
			id = this.redis.call((commands) -> commands.xadd(key, args, fields));
		}
		catch (RedisCallException ex) {
			throw publishFailure(topic, ex);
		}
		this.topics.remember(topic);
		return id;
	}

	private CompletableFuture<String> storeAsync(String topic, Map<String, String> headers, String json) {
		byte[] key = this.streams.stream(topic);
		Object[] fields = EventEntries.fields(headers, json);
		XAddArgs args = XAddArgs.Builder.maxlen(this.redisSettings.maxLength()).approximateTrimming();
		return this.redis.<String>callAsync((commands) -> commands.xadd(key, args, fields))
			.handle((id, failure) -> {
				if (failure != null) {
					Throwable cause = (failure instanceof CompletionException && failure.getCause() != null)
							? failure.getCause() : failure;
					throw (cause instanceof RedisCallException callFailure) ? publishFailure(topic, callFailure)
							: new CompletionException(cause);
				}
				return id;
			});
	}

	private static EventPublishException publishFailure(String topic, RedisCallException failure) {
		boolean outcomeUnknown = failure.mayHaveBeenCarriedOut();
		String outcome = outcomeUnknown ? "may or may not have been published" : "was not published";
		return new EventPublishException("The event " + outcome + " to topic '" + topic + "' ("
				+ failure.reason().name().toLowerCase() + "): " + failure.getMessage(), failure, outcomeUnknown);
	}



	private void renew() {
		for (GroupWorker worker : this.workers.values()) {
			try {
				// A breaker opened by a short failure must not cost every held event its claim.
				this.redis.outsideBreaker(() -> {
					worker.settleAgain();
					worker.renew();
					return null;
				});
			}
			catch (RuntimeException | Error ex) {
				// A scheduled task that throws is never run again: every worker would stop renewing.
				logger.error("Group '" + worker.subscription().group() + "' of topic '" + worker.subscription().topic()
						+ "' could not renew its events this time", ex);
			}
		}
	}

	private void maintain() {
		this.evictionPolicy.check();
		this.workers.values().forEach(GroupWorker::forgetGoneConsumers);
		for (String topic : this.topics.known()) {
			try {
				this.topics.remember(topic);
				long trimmed = trim(topic);
				if (trimmed > 0 && logger.isDebugEnabled()) {
					logger.debug("Trimmed " + trimmed + " events of topic '" + topic + "'");
				}
			}
			catch (RuntimeException ex) {
				logger.debug("Topic '" + topic + "' not trimmed for now: " + ex.getMessage());
			}
		}
	}

	private static Thread daemon(Runnable task, String name) {
		Thread thread = new Thread(task, name);
		thread.setDaemon(true);
		return thread;
	}

	private static void checkTopic(String topic) {
		if (topic == null || topic.isBlank()) {
			throw new IllegalArgumentException("The topic must not be blank");
		}
	}

}
