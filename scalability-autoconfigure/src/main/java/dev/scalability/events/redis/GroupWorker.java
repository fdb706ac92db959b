package dev.scalability.events.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import dev.scalability.delivery.GroupCommit;
import dev.scalability.events.DeliveryVerdict;
import dev.scalability.events.Event;
import dev.scalability.events.Subscription;
import dev.scalability.redis.DedicatedConnections;
import dev.scalability.redis.RedisCallException;
import io.lettuce.core.Consumer;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XClaimArgs;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulConnection;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * This instance's listener of one group of a topic, on Redis Streams: {@code concurrency}
 * handler threads, and one reader that gives each free thread one entry. The reader
 * takes, in this order, what it read earlier and could not start yet, this instance's
 * retries whose backoff has passed (claimed again, which counts a delivery), the entries
 * of consumers that stopped showing signs of life ({@code XAUTOCLAIM} after the claim
 * bound), and new entries ({@code XREADGROUP}, blocking briefly on a connection of its
 * own). An entry stays pending in the group until its handler is done with it: then it is
 * acknowledged, or left pending for its retry, or moved to the dead letters and
 * acknowledged in one script. While it is held here, the entry is renewed (its idle time
 * reset) so that no other instance takes it for abandoned.
 */
final class GroupWorker {

	private static final Log logger = LogFactory.getLog(GroupWorker.class);

	private static final int BATCH = 100;

	private static final long MIN_PAUSE_MILLIS = 50;

	private static final long MAX_PAUSE_MILLIS = 2_000;

	private static final long PERMIT_WAIT_MILLIS = 100;

	/**
	 * How much work a listener reads ahead of its handler threads, so that fast handlers
	 * do not wait for a read per event; slow handlers read ahead little, keeping the
	 * events they could not start soon for other instances.
	 */
	private static final long READ_AHEAD_WORK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

	private static final int MAX_READ_AHEAD = 256;

	/**
	 * Retries held per handler thread beyond which the listener stops reading new events:
	 * a failing dependency must not turn the whole stream into retries held in memory.
	 */
	private static final int RETRIES_PER_THREAD = 10;

	private static final int MIN_RETRIES_HELD = 100;

	private static final long INTERRUPTED_HANDLERS_WAIT_MILLIS = 1_000;


	private final Subscription subscription;

	private final WorkerContext context;

	private final byte[] stream;

	private final byte[] redrive;

	private final byte[] deadLetters;

	private final byte[] group;

	private final byte[] consumer;

	private final HandlingSlots slots = new HandlingSlots();

	/**
	 * Handler threads acknowledge in turns, many entries in one {@code XACK}.
	 */
	private final GroupCommit<Settlement> acknowledgements = new GroupCommit<>(BATCH, this::acknowledgeBatch);

	/**
	 * How long handling an event takes, on average over the latest ones: it sizes the read
	 * ahead, none until a handler has finished. Updated without a lock, since an estimate is
	 * all it needs to be.
	 */
	private volatile long meanHandlingNanos = Long.MAX_VALUE;

	private final Queue<Delivery> backlog = new ConcurrentLinkedDeque<>();

	private final HeldEntries held = new HeldEntries();

	private final Queue<Settlement> unsettled = new ConcurrentLinkedQueue<>();

	private final String[] claimCursors = { "0-0", "0-0" };

	private volatile String lastSeenId;

	private volatile boolean running;

	private volatile int generation;

	private long nextClaimNanos = System.nanoTime();

	/**
	 * Deliveries the reader started in its current round, each holding a permit: only the
	 * reader thread reads and writes it.
	 */
	private int startedThisRound;

	private CountDownLatch stopSignal = new CountDownLatch(0);

	private Thread reader;

	private volatile ThreadPoolExecutor handlers;

	GroupWorker(Subscription subscription, WorkerContext context) {
		this.subscription = subscription;
		this.context = context;
		EventStreams streams = context.streams();
		this.stream = streams.stream(subscription.topic());
		this.redrive = streams.redrive(subscription.topic(), subscription.group());
		this.deadLetters = streams.deadLetters(subscription.topic());
		this.group = EventEntries.bytes(subscription.group());
		this.consumer = EventEntries.bytes(context.settings().consumer());
	}

	Subscription subscription() {
		return this.subscription;
	}

	/**
	 * Creates the group on the topic's stream, from its latest entry on, and on its redrive
	 * stream, unless they exist.
	 * @return whether Redis answered
	 */
	boolean createGroups() {
		try {
			createGroups("$");
			return true;
		}
		catch (RedisCallException ex) {
			logger.warn("Group '" + this.subscription.group() + "' of topic '" + this.subscription.topic()
					+ "' is created once Redis answers: " + ex.getMessage());
			return false;
		}
	}

	synchronized void start() {
		if (this.running) {
			return;
		}
		this.running = true;
		this.stopSignal = new CountDownLatch(1);
		int readerGeneration = ++this.generation;
		CountDownLatch readerStopSignal = this.stopSignal;
		int concurrency = this.subscription.concurrency();
		AtomicInteger threads = new AtomicInteger();
		this.handlers = new ThreadPoolExecutor(concurrency, concurrency, 0, TimeUnit.MILLISECONDS,
				new LinkedBlockingQueue<>(), (task) -> daemon(task, name() + "-" + threads.incrementAndGet()));
		this.reader = daemon(() -> read(readerGeneration, readerStopSignal), name() + "-reader");
		this.reader.start();
	}

	/**
	 * Stops reading, lets the handlers that run finish and settles them.
	 * @param deadline when to give up waiting, in {@link System#nanoTime()}; then the
	 * handlers still running are interrupted
	 * @return whether every handler finished in time
	 */
	boolean stop(long deadline) {
		Thread stoppingReader;
		ThreadPoolExecutor stoppingHandlers;
		synchronized (this) {
			if (!this.running) {
				return true;
			}
			this.running = false;
			this.stopSignal.countDown();
			stoppingReader = this.reader;
			stoppingHandlers = this.handlers;
		}
		boolean finished = true;
		try {
			stoppingReader.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
			if (stoppingReader.isAlive()) {
				stoppingReader.interrupt();
			}
			stoppingHandlers.shutdown();
			// Events read ahead and not started go back to the group, for whichever instance
			// is free first: kept here, another instance could claim them while this one is
			// stopped, and both would handle them.
			List<Runnable> notStarted = new ArrayList<>();
			stoppingHandlers.getQueue().drainTo(notStarted);
			List<Delivery> handedBack = new ArrayList<>();
			for (Runnable task : notStarted) {
				handedBack.add(((Handling) task).delivery());
				this.slots.give(1);
			}
			Delivery waiting;
			while ((waiting = this.backlog.poll()) != null) {
				handedBack.add(waiting);
			}
			handBack(handedBack);
			finished = stoppingHandlers.awaitTermination(Math.max(0, deadline - System.nanoTime()),
					TimeUnit.NANOSECONDS);
			if (!finished) {
				stoppingHandlers.shutdownNow();
				// The interrupted handlers still tell Redis how they ended.
				stoppingHandlers.awaitTermination(INTERRUPTED_HANDLERS_WAIT_MILLIS, TimeUnit.MILLISECONDS);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			stoppingHandlers.shutdownNow();
			finished = false;
		}
		this.acknowledgements.commit();
		settleAgain();
		return finished;
	}

	/**
	 * Renews the entries held here, so that no other instance claims them, and forgets
	 * those another instance has claimed meanwhile.
	 */
	void renew() {
		leaveStaleReadAhead();
		for (boolean redriven : new boolean[] { false, true }) {
			List<String> ids = this.held.ids(redriven);
			for (int from = 0; from < ids.size(); from += BATCH) {
				List<String> batch = ids.subList(from, Math.min(ids.size(), from + BATCH));
				try {
					List<Object> gone = this.context.redis()
						.script(StreamScripts.TOUCH, new byte[][] { source(redriven) },
								arguments(List.of(this.group, this.consumer), batch));
					for (Object id : gone) {
						forget(new Delivery.Held(redriven, EventEntries.text(id)));
					}
				}
				catch (RedisCallException ex) {
					logger.debug("Could not renew the events held by group '" + this.subscription.group() + "': "
							+ ex.getMessage());
					return;
				}
			}
		}
	}

	/**
	 * Stops holding the events read ahead that waited a whole claim bound for a handler
	 * thread (the handlers got slow, or hang): no longer renewed, they go to another
	 * instance after the claim bound, or back to this one if it is free by then.
	 */
	private void leaveStaleReadAhead() {
		ThreadPoolExecutor pool = this.handlers;
		if (pool == null) {
			return;
		}
		long staleBefore = System.nanoTime() - this.context.settings().claimIdle().toNanos();
		List<Delivery> stale = new ArrayList<>();
		for (Runnable task : pool.getQueue().toArray(new Runnable[0])) {
			Handling handling = (Handling) task;
			if (handling.queuedNanos() - staleBefore < 0 && pool.remove(task)) {
				stale.add(handling.delivery());
				this.slots.give(1);
			}
		}
		if (!stale.isEmpty()) {
			// The handlers are slow or hang: no more reading ahead until one finishes.
			this.meanHandlingNanos = Long.MAX_VALUE;
			handBack(stale);
			logger.info("Group '" + this.subscription.group() + "' of topic '" + this.subscription.topic()
					+ "' handed " + stale.size() + " events it had read ahead back to the group: they waited "
					+ this.context.settings().claimIdle() + " for a handler thread");
		}
	}

	/**
	 * Gives events this instance holds and has not started back to the group, without
	 * counting a try: they stay pending for this consumer, but idle as if abandoned, so that
	 * any instance claims them at once, this one included. When Redis cannot be told, they
	 * are claimed after the claim bound all the same, since nothing renews them any more.
	 */
	private void handBack(List<Delivery> deliveries) {
		String idle = Long.toString(this.context.settings().claimIdle().toMillis());
		for (boolean redriven : new boolean[] { false, true }) {
			List<byte[]> args = new ArrayList<>(List.of(this.group, this.consumer, EventEntries.bytes(idle)));
			for (Delivery delivery : deliveries) {
				// Only what this instance still holds: what it forgot, another instance has.
				if (delivery.redriven() == redriven && this.held.holds(delivery)) {
					forget(delivery.held());
					args.add(EventEntries.bytes(delivery.entryId()));
					args.add(EventEntries.bytes(Integer.toString(Math.max(0, delivery.attempt() - 1))));
				}
			}
			if (args.size() == 3) {
				continue;
			}
			try {
				this.context.redis()
					.script(StreamScripts.HAND_BACK, new byte[][] { source(redriven) }, args.toArray(new byte[0][]));
			}
			catch (RedisCallException ex) {
				// Nothing renews them any more: they are claimed after the claim bound.
				logger.debug("Events not handed back, claimed after " + this.context.settings().claimIdle()
						+ " instead: " + ex.getMessage());
			}
		}
	}


	/**
	 * Settles again what could not be settled when its handler was done (Redis away).
	 */
	void settleAgain() {
		this.acknowledgements.commit();
		for (int i = this.unsettled.size(); i > 0; i--) {
			Settlement settlement = this.unsettled.poll();
			if (settlement == null || !settle(settlement)) {
				return;
			}
		}
	}

	/**
	 * Trims the group's redrive stream to the entries the group still needs: acknowledged
	 * entries stay in a stream until trimmed.
	 */
	void trimRedrive() {
		this.context.redis()
			.script(StreamScripts.TRIM, new byte[][] { this.redrive }, EventEntries.bytes("0"),
					EventEntries.bytes("1000"));
	}

	/**
	 * Forgets the consumers of this group that hold nothing and have been idle past the
	 * expiry: their instances are gone.
	 */
	void forgetGoneConsumers() {
		String expiry = Long.toString(this.context.settings().consumerExpiry().toMillis());
		for (byte[] key : new byte[][] { this.stream, this.redrive }) {
			try {
				List<Object> reply = this.context.redis()
					.script(StreamScripts.CONSUMERS, new byte[][] { key }, this.group, EventEntries.bytes(expiry),
							this.consumer);
				long removed = (Long) reply.get(0);
				if (removed > 0) {
					logger.info("Forgot " + removed + " consumers of group '" + this.subscription.group()
							+ "' of topic '" + this.subscription.topic() + "' that held nothing and were idle for "
							+ this.context.settings().consumerExpiry());
				}
			}
			catch (RedisCallException ex) {
				logger.debug("Could not look for gone consumers: " + ex.getMessage());
			}
		}
	}

	private void read(int readerGeneration, CountDownLatch readerStopSignal) {
		StatefulConnection<byte[], byte[]> connection = null;
		long pause = MIN_PAUSE_MILLIS;
		try {
			// A reader that outlived its stop never runs beside the next start's.
			while (this.running && this.generation == readerGeneration) {
				int permits = this.slots.take(startLimit(), PERMIT_WAIT_MILLIS);
				this.startedThisRound = 0;
				try {
					if (permits == 0 || !this.running) {
						continue;
					}
					startBacklog(permits);
					if (this.startedThisRound < permits) {
						startDueRetries(permits - this.startedThisRound);
					}
					if (this.held.retriesWaiting() >= retriesHeldAtMost()) {
						// Reads nothing new until retries are done: they are due in turn.
						awaitNextRetry(readerStopSignal);
						continue;
					}
					if (this.startedThisRound < permits && System.nanoTime() - this.nextClaimNanos >= 0) {
						claimAbandoned(permits - this.startedThisRound);
					}
					if (this.startedThisRound < permits && this.running) {
						if (connection == null) {
							connection = this.context.connections().open(readTimeout());
						}
						readNew(connection, permits - this.startedThisRound);
					}
					if (pause != MIN_PAUSE_MILLIS) {
						logger.info("Group '" + this.subscription.group() + "' of topic '" + this.subscription.topic()
								+ "' reads events again");
						pause = MIN_PAUSE_MILLIS;
					}
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return;
				}
				catch (Exception ex) {
					connection = closeUnlessErrorReply(connection, ex);
					recover(ex, pause == MIN_PAUSE_MILLIS);
					if (readerStopSignal.await(pause, TimeUnit.MILLISECONDS)) {
						return;
					}
					pause = Math.min(pause * 2, MAX_PAUSE_MILLIS);
				}
				finally {
					// Each delivery started gives its slot back when its handler is done.
					this.slots.give(permits - this.startedThisRound);
				}
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		finally {
			if (connection != null) {
				connection.close();
			}
		}
	}

	/**
	 * How many deliveries may be started and not finished: one per handler thread, and as
	 * many more as the handler threads get through in {@link #READ_AHEAD_WORK_NANOS}.
	 */
	private int startLimit() {
		int concurrency = this.subscription.concurrency();
		long perThread = READ_AHEAD_WORK_NANOS / Math.max(1, this.meanHandlingNanos);
		long readAhead = Math.min(MAX_READ_AHEAD, perThread * concurrency);
		return (int) Math.min(Integer.MAX_VALUE, concurrency + readAhead);
	}

	private int retriesHeldAtMost() {
		return Math.max(MIN_RETRIES_HELD, RETRIES_PER_THREAD * this.subscription.concurrency());
	}

	private void awaitNextRetry(CountDownLatch readerStopSignal) throws InterruptedException {
		long millis = Math.max(1, Math.min(PERMIT_WAIT_MILLIS, this.held.nanosToNextRetry() / 1_000_000));
		readerStopSignal.await(millis, TimeUnit.MILLISECONDS);
	}

	private void startBacklog(int permits) {
		Delivery delivery;
		for (int i = 0; i < permits && (delivery = this.backlog.poll()) != null; i++) {
			if (!this.held.holds(delivery)) {
				// Claimed by another instance while it waited here: that one handles it.
				i--;
				continue;
			}
			if (!start(delivery)) {
				return;
			}
		}
	}

	private void startDueRetries(int permits) {
		List<Delivery> due = this.held.dueRetries(Math.min(permits, BATCH));
		List<Delivery> notClaimed = new ArrayList<>(due);
		for (boolean redriven : new boolean[] { false, true }) {
			List<Delivery> ofStream = due.stream().filter((delivery) -> delivery.redriven() == redriven).toList();
			if (ofStream.isEmpty()) {
				continue;
			}
			List<String> ids = ofStream.stream().map(Delivery::entryId).toList();
			ClaimReply reply;
			try {
				List<byte[]> fixed = List.of(this.group, this.consumer, EventEntries.bytes("ids"));
				reply = ClaimReply.of(this.context.redis()
					.script(StreamScripts.CLAIM, new byte[][] { source(redriven) }, arguments(fixed, ids)));
			}
			catch (RedisCallException ex) {
				// Every retry not claimed yet, of either stream, waits for the next round.
				this.held.retryNow(notClaimed);
				throw ex;
			}
			notClaimed.removeAll(ofStream);
			List<String> claimed = new ArrayList<>();
			for (ClaimReply.Claimed entry : reply.entries()) {
				claimed.add(entry.id());
				Delivery delivery = delivery(redriven, entry);
				if (delivery != null) {
					start(delivery);
				}
			}
			countLost(redriven, reply.lost());
			for (String id : ids) {
				if (!claimed.contains(id)) {
					// Another instance claimed it while this one could not renew it: that one has it now.
					forget(new Delivery.Held(redriven, id));
				}
			}
		}
	}

	private void claimAbandoned(int permits) {
		Duration claimIdle = this.context.settings().claimIdle();
		this.nextClaimNanos = System.nanoTime() + claimIdle.toNanos() / 2;
		int before = this.startedThisRound;
		for (boolean redriven : new boolean[] { false, true }) {
			int count = permits - (this.startedThisRound - before);
			if (count <= 0) {
				break;
			}
			int index = redriven ? 1 : 0;
			ClaimReply reply = ClaimReply.of(this.context.redis()
				.script(StreamScripts.CLAIM, new byte[][] { source(redriven) }, this.group, this.consumer,
						EventEntries.bytes("idle"), EventEntries.bytes(this.claimCursors[index]),
						EventEntries.bytes(Integer.toString(count)),
						EventEntries.bytes(Long.toString(claimIdle.toMillis()))));
			this.claimCursors[index] = reply.cursor();
			int claimed = 0;
			for (ClaimReply.Claimed entry : reply.entries()) {
				Delivery delivery = delivery(redriven, entry);
				if (delivery == null || this.held.holds(delivery)) {
					// Held here already, idle only because renewing could not reach Redis.
					continue;
				}
				start(delivery);
				claimed++;
			}
			if (claimed > 0) {
				logger.info("Claimed " + claimed + " events of group '" + this.subscription.group() + "' of topic '"
						+ this.subscription.topic() + "' that their consumer held for more than " + claimIdle
						+ " without a sign of life");
			}
			countLost(redriven, reply.lost());
			if (!"0-0".equals(reply.cursor())) {
				// More to scan: the next round goes on at once.
				this.nextClaimNanos = System.nanoTime();
			}
		}
	}

	private void readNew(StatefulConnection<byte[], byte[]> connection, int permits) throws Exception {
		long blockMillis = Math.min(this.context.settings().readBlock().toMillis(),
				this.held.nanosToNextRetry() / 1_000_000);
		XReadArgs args = XReadArgs.Builder.count(permits);
		if (blockMillis >= 1) {
			args.block(blockMillis);
		}
		RedisFuture<List<StreamMessage<byte[], byte[]>>> read = DedicatedConnections.streams(connection)
			.xreadgroup(Consumer.from(this.group, this.consumer), args, XReadArgs.StreamOffset.lastConsumed(this.stream),
					XReadArgs.StreamOffset.lastConsumed(this.redrive));
		List<StreamMessage<byte[], byte[]>> messages;
		try {
			messages = read.get(blockMillis + this.context.redis().timeout().toMillis() + 1_000,
					TimeUnit.MILLISECONDS);
		}
		catch (TimeoutException ex) {
			read.cancel(true);
			throw ex;
		}
		int taken = 0;
		for (StreamMessage<byte[], byte[]> message : (messages != null) ? messages : List.<StreamMessage<byte[], byte[]>>of()) {
			boolean redriven = Arrays.equals(message.getStream(), this.redrive);
			if (!redriven) {
				this.lastSeenId = message.getId();
			}
			Event event;
			try {
				event = event(message.getId(), EventEntries.fromBody(message.getBody()));
			}
			catch (RuntimeException ex) {
				dropMalformed(redriven, message.getId(), ex);
				continue;
			}
			Delivery delivery = new Delivery(redriven, message.getId(), event, 1);
			this.held.hold(delivery);
			if (taken++ >= permits) {
				this.backlog.add(delivery);
			}
			else {
				start(delivery);
			}
		}
	}

	private boolean start(Delivery delivery) {
		this.held.hold(delivery);
		ThreadPoolExecutor pool = this.handlers;
		try {
			pool.execute(new Handling(delivery));
			this.startedThisRound++;
			return true;
		}
		catch (RejectedExecutionException ex) {
			// Stopping: it stays pending here, to run after a start, or to be claimed.
			this.backlog.add(delivery);
			return false;
		}
	}

	private void handle(Delivery delivery) {
		long started = System.nanoTime();
		DeliveryVerdict verdict;
		if (delivery.attempt() > this.context.dispatcher().retryPolicy().maxAttempts()) {
			// Delivered past its tries without one ending: whoever had it died with it.
			logger.error("Event " + delivery.event().id() + " of topic '" + this.subscription.topic()
					+ "' was delivered " + delivery.attempt() + " times to group '" + this.subscription.group()
					+ "' without a try ending: it becomes a dead letter unhandled, since its handler likely "
					+ "takes its instance down");
			verdict = this.context.dispatcher().abandon(this.subscription, delivery.event(), delivery.attempt());
		}
		else {
			verdict = this.context.dispatcher().deliver(this.subscription, delivery.event(), delivery.attempt());
		}
		long took = System.nanoTime() - started;
		long mean = this.meanHandlingNanos;
		this.meanHandlingNanos = (mean == Long.MAX_VALUE) ? Math.max(1, took) : Math.max(1, mean + (took - mean) / 16);
		// A handler interrupted by a stop that timed out still tells Redis how it ended.
		boolean interrupted = Thread.interrupted();
		try {
			settle(new Settlement(delivery, verdict));
		}
		finally {
			if (interrupted) {
				Thread.currentThread().interrupt();
			}
		}
	}

	private boolean settle(Settlement settlement) {
		Delivery delivery = settlement.delivery();
		DeliveryVerdict verdict = settlement.verdict();
		byte[] source = source(delivery.redriven());
		try {
			switch (verdict.kind()) {
				case ACKNOWLEDGE -> {
					return this.acknowledgements.add(settlement);
				}
				case RETRY -> this.held.retryAt(delivery, System.nanoTime() + verdict.retryAfter().toNanos());
				case DEAD_LETTER -> {
					List<byte[]> fixed = List.of(this.group, EventEntries.bytes(delivery.entryId()),
							EventEntries.bytes(Integer.toString(this.context.deadLetterRetention())));
					byte[][] fields = EventEntries.deadLetterFields(delivery.event(), verdict.deadLetter());
					List<byte[]> args = new ArrayList<>(fixed);
					args.addAll(Arrays.asList(fields));
					List<Object> reply = this.context.redis()
						.script(StreamScripts.DEAD_LETTER, new byte[][] { source, this.deadLetters },
								args.toArray(new byte[0][]));
					this.held.release(delivery);
					if (reply.size() > 1 && (Long) reply.get(1) > 0) {
						countForgottenDeadLetters((Long) reply.get(1));
					}
				}
			}
			return true;
		}
		catch (RedisCallException ex) {
			if (this.unsettled.isEmpty()) {
				logger.warn("Event " + delivery.event().id() + " of topic '" + this.subscription.topic()
						+ "' was handled by group '" + this.subscription.group() + "' but Redis did not hear of it ("
						+ ex.getMessage() + "); it is told again until it does");
			}
			this.unsettled.add(settlement);
			return false;
		}
	}

	/**
	 * Acknowledges a batch of the deliveries handled so far, several in one {@code XACK}
	 * per stream.
	 * @return whether Redis heard of all of them; those it did not are told again later
	 */
	private boolean acknowledgeBatch(List<Settlement> batch) {
		List<Settlement> untold = new ArrayList<>(batch);
		try {
			return acknowledgeEachStream(batch, untold);
		}
		catch (RuntimeException | Error ex) {
			this.unsettled.addAll(untold);
			throw ex;
		}
	}

	private boolean acknowledgeEachStream(List<Settlement> batch, List<Settlement> untold) {
		boolean told = true;
		for (boolean redriven : new boolean[] { false, true }) {
			List<Settlement> ofStream = batch.stream()
				.filter((settlement) -> settlement.delivery().redriven() == redriven)
				.toList();
			if (ofStream.isEmpty()) {
				continue;
			}
			byte[] source = source(redriven);
			String[] ids = ofStream.stream().map((settlement) -> settlement.delivery().entryId()).toArray(String[]::new);
			try {
				this.context.redis().call((commands) -> commands.xack(source, this.group, ids));
				untold.removeAll(ofStream);
				ofStream.forEach((settlement) -> this.held.release(settlement.delivery()));
			}
			catch (RedisCallException ex) {
				boolean firstOfSpell = this.unsettled.isEmpty();
				this.unsettled.addAll(ofStream);
				untold.removeAll(ofStream);
				if (firstOfSpell) {
					logger.warn(ofStream.size() + " events of topic '" + this.subscription.topic()
							+ "' were handled by group '" + this.subscription.group()
							+ "' but Redis did not hear of it (" + ex.getMessage() + "); they are told again until it does");
				}
				told = false;
			}
		}
		return told;
	}

	/**
	 * Makes the group again when Redis lost it, and says why reading failed: at WARN for
	 * the first failure of a spell, then at DEBUG, so that an outage logs once per group.
	 */
	private void recover(Exception failure, boolean firstOfSpell) {
		if (!this.running) {
			return;
		}
		if (hasMessage(failure, "NOGROUP")) {
			// The stream or the group is gone (a Redis that restarted empty): made again from
			// the last entry this instance saw, so that entries written since are not skipped.
			// Having seen none, from the start: the stream is new since the restart, and
			// whatever it holds was published after it, so "$" would skip it.
			try {
				createGroups((this.lastSeenId != null) ? this.lastSeenId : "0");
				logger.info("Group '" + this.subscription.group() + "' of topic '" + this.subscription.topic()
						+ "' was made again in Redis");
			}
			catch (RedisCallException ex) {
				logger.debug("Group not made again yet: " + ex.getMessage());
			}
			return;
		}
		String message = "Group '" + this.subscription.group() + "' of topic '" + this.subscription.topic()
				+ "' cannot read events for now, and tries again: " + failure;
		if (firstOfSpell) {
			logger.warn(message);
		}
		else {
			logger.debug(message);
		}
	}

	private void createGroups(String from) {
		createGroup(this.stream, from);
		createGroup(this.redrive, "0");
	}

	private void createGroup(byte[] key, String from) {
		try {
			this.context.redis()
				.call((commands) -> commands.xgroupCreate(XReadArgs.StreamOffset.from(key, from), this.group,
						XGroupCreateArgs.Builder.mkstream()));
		}
		catch (RedisCallException ex) {
			if (!hasMessage(ex, "BUSYGROUP")) {
				throw ex;
			}
		}
	}

	private void dropMalformed(boolean redriven, String entryId, RuntimeException failure) {
		logger.error("Entry " + entryId + " of topic '" + this.subscription.topic() + "' is no event ("
				+ failure.getMessage() + "): acknowledged for group '" + this.subscription.group() + "' unhandled");
		byte[] source = source(redriven);
		this.context.redis().call((commands) -> commands.xack(source, this.group, entryId));
	}

	/**
	 * A claimed entry as a delivery.
	 * @return the delivery, or {@code null} for an entry that is no event (acknowledged)
	 */
	private Delivery delivery(boolean redriven, ClaimReply.Claimed entry) {
		try {
			return new Delivery(redriven, entry.id(), event(entry.id(), entry.fields()), entry.deliveries());
		}
		catch (RuntimeException ex) {
			dropMalformed(redriven, entry.id(), ex);
			return null;
		}
	}

	private Event event(String entryId, Map<String, String> fields) {
		return EventEntries.event(this.subscription.topic(), entryId, fields);
	}

	private void countLost(boolean redriven, List<String> lost) {
		for (String id : lost) {
			forget(new Delivery.Held(redriven, id));
			this.context.lost().increment();
			logger.warn("Event entry " + id + " of topic '" + this.subscription.topic() + "' left the stream while "
					+ "group '" + this.subscription.group() + "' still held it (trimmed by the stream's hard cap, "
					+ "or deleted): it is lost for the group");
		}
	}

	private void countForgottenDeadLetters(long trimmed) {
		this.context.deadLettersForgotten().add(trimmed);
		this.context.observer().deadLettersForgotten(this.subscription.topic(), trimmed);
		logger.warn("Topic '" + this.subscription.topic() + "' keeps about " + this.context.deadLetterRetention()
				+ " dead letters (scalability.events.dead-letter-retention): forgot the " + trimmed
				+ " oldest to keep the one of group '" + this.subscription.group() + "'");
	}

	private void forget(Delivery.Held entry) {
		this.held.forget(entry);
	}

	private Duration readTimeout() {
		return this.context.settings().readBlock().plus(this.context.redis().timeout()).plusSeconds(1);
	}

	private byte[] source(boolean redriven) {
		return redriven ? this.redrive : this.stream;
	}

	private String name() {
		return "events-" + this.subscription.topic() + "-" + this.subscription.group();
	}

	private static StatefulConnection<byte[], byte[]> closeUnlessErrorReply(
			StatefulConnection<byte[], byte[]> connection, Exception failure) {
		Throwable cause = (failure instanceof ExecutionException) ? failure.getCause() : failure;
		if (connection == null || cause instanceof RedisCommandExecutionException) {
			return connection;
		}
		connection.close();
		return null;
	}

	private static boolean hasMessage(Throwable failure, String code) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause.getMessage() != null && cause.getMessage().contains(code)) {
				return true;
			}
		}
		return false;
	}

	private static byte[][] arguments(List<byte[]> fixed, List<String> ids) {
		List<byte[]> args = new ArrayList<>(fixed);
		ids.forEach((id) -> args.add(EventEntries.bytes(id)));
		return args.toArray(new byte[0][]);
	}

	private static Thread daemon(Runnable task, String name) {
		Thread thread = new Thread(task, name);
		thread.setDaemon(true);
		return thread;
	}

	/**
	 * One delivery handed to a handler thread; it gives its slot back when done.
	 */
	private final class Handling implements Runnable {

		private final Delivery delivery;

		private final long queuedNanos = System.nanoTime();

		Handling(Delivery delivery) {
			this.delivery = delivery;
		}

		Delivery delivery() {
			return this.delivery;
		}

		long queuedNanos() {
			return this.queuedNanos;
		}

		@Override
		public void run() {
			try {
				if (GroupWorker.this.held.holds(this.delivery)) {
					handle(this.delivery);
				}
				// Else another instance claimed it while it waited here: that one handles it.
			}
			finally {
				GroupWorker.this.slots.give(1);
			}
		}

	}

	private record Settlement(Delivery delivery, DeliveryVerdict verdict) {

	}

}
