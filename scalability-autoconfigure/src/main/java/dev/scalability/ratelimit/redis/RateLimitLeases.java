package dev.scalability.ratelimit.redis;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import dev.scalability.ratelimit.AcquireMode;
import dev.scalability.ratelimit.RateLimitAlgorithm;
import dev.scalability.ratelimit.RateLimitDecision;
import dev.scalability.ratelimit.RateLimitPolicy;
import dev.scalability.redis.RedisCallException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Permits leased out of the shared state in Redis for the keys that are hot on this
 * instance, so that their decisions need no round trip, without ever admitting more than
 * the shared limit.
 *
 * <p>A lease takes {@code n} permits in one script call, all or nothing, exactly as a
 * request for {@code n} permits would: the shared state already holds them when they are
 * handed out here. So the requests admitted by all instances together never exceed the
 * shared limit:
 * <ul>
 * <li>a fixed window's lease is valid until the end of the window it was taken in, as the
 * server said when it was taken (counted from before the call was sent, so never later
 * than the server's end), and its unused permits die with the window;</li>
 * <li>a token bucket's lease is valid for {@value #BUCKET_LEASE_MILLIS} ms (counted from
 * before the call was sent), and the bucket holds its permits as used at the end of that
 * time, not at its start (see {@code rate-limit.lua}): in any span, the permits used stay
 * within capacity + rate &times; span. Only a bucket that takes at least twice that time to
 * fill leases: the lease costs the bucket at most half its burst while the key is hot.</li>
 * </ul>
 * Sliding windows do not lease: their count of the last window weighs the previous
 * window's permits by when in the window they were taken, which a permit used later than
 * it was taken would falsify.
 *
 * <p>{@code n} follows the key's local rate (what it would use in {@value #LEASE_SPAN_MILLIS}
 * ms), and is at most a quarter of what the window had left when last seen, so that several
 * instances share a hot key and the last permits are not stranded on one. A key is hot when
 * its local rate would use at least {@value #MIN_LEASE} permits in that span; a cold key
 * keeps exact decisions. A lease is refilled in the background when a quarter of it is
 * left, one refill per key at a time; a request that finds none in hand makes the exact
 * call. A key whose window was found exhausted is refused here until the window ends.
 * Unused permits go back to Redis when the key cools down, when it goes idle, and when the
 * application stops.
 */
public final class RateLimitLeases implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(RateLimitLeases.class);

	static final long LEASE_SPAN_MILLIS = 200;

	static final long MIN_LEASE = 4;

	private static final long SLOT_NANOS = 100_000_000L;

	private static final long IDLE_NANOS = 1_000_000_000L;

	/**
	 * How long a key found exhausted is refused here without a call.
	 */
	static final long REFUSAL_MEMORY_NANOS = 200_000_000L;

	/**
	 * How long an empty token bucket is refused here at least: short beside a refusal's
	 * Retry-After of a second, long beside a round trip.
	 */
	static final long BUCKET_REFUSAL_MEMORY_NANOS = 20_000_000L;

	private static final long REFUND_SLACK_NANOS = 100_000_000L;

	private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

	/**
	 * How many keys' permits go back at once on stop.
	 */
	static final int CLOSE_BATCH = 128;

	/**
	 * How long the permits of a token bucket's lease may be used: twice the span a lease
	 * is sized for, so that a key whose rate halves still spends its lease.
	 */
	static final long BUCKET_LEASE_MILLIS = 2 * LEASE_SPAN_MILLIS;

	private static final java.time.Duration BUCKET_LEASE = java.time.Duration.ofMillis(BUCKET_LEASE_MILLIS);

	private final RedisRateLimiter redis;

	private final Predicate<RateLimitPolicy> leased;

	private final LongSupplier nanoTime;

	private final ExecutorService refills;

	/**
	 * How long before its window's end a lease's permits stop going back: more than a
	 * refund can take.
	 */
	private final long refundMargin;

	private final Cache<LeaseKey, KeyLease> leases;

	private final Map<String, Counts> counts = new ConcurrentHashMap<>();

	private final java.util.List<java.util.function.Consumer<String>> ruleListeners = new java.util.concurrent.CopyOnWriteArrayList<>();

	private volatile boolean closed;

	/**
	 * Creates the leases.
	 * @param redis the shared limiter
	 * @param leased whether a policy's keys may lease (the policy's {@code leases})
	 * @param nanoTime this instance's clock
	 * @param refills runs the refills in the background; stopped when the leases close
	 * @param maxKeys the most keys leased at once
	 */
	public RateLimitLeases(RedisRateLimiter redis, Predicate<RateLimitPolicy> leased, LongSupplier nanoTime,
			ExecutorService refills, long maxKeys) {
		this.redis = redis;
		this.leased = leased;
		this.nanoTime = nanoTime;
		this.refills = refills;
		this.refundMargin = 2 * redis.redis().timeout().toNanos() + REFUND_SLACK_NANOS;
		this.leases = Caffeine.newBuilder()
			.maximumSize(maxKeys)
			.expireAfterAccess(java.time.Duration.ofNanos(IDLE_NANOS))
			.ticker(nanoTime::getAsLong)
			.executor(Runnable::run)
			.removalListener((LeaseKey key, KeyLease lease, RemovalCause cause) -> {
				// Idle or pushed out: its permits go back without anyone waiting for Redis.
				if (key != null && lease != null) {
					giveBack(key, lease, true, true);
				}
			})
			.build();
	}

	/**
	 * Whether a policy can lease at all: one limit, no penalty, a fixed window or a token
	 * bucket that takes at least twice a lease's lifetime to fill and refills at least 4
	 * permits in it. A slower bucket (100 a minute for each user) has too few permits to
	 * hold any in hand: its leases would cost it more than they spare.
	 * @param policy the policy
	 * @return whether it can
	 */
	public static boolean canLease(RateLimitPolicy policy) {
		if (policy.limits().size() != 1 || policy.penalty() != null) {
			return false;
		}
		return switch (policy.algorithm()) {
			case FIXED_WINDOW -> true;
			case TOKEN_BUCKET -> {
				dev.scalability.ratelimit.RateLimit limit = policy.limits().get(0);
				long lifetimeMicros = BUCKET_LEASE_MILLIS * 1000;
				yield limit.emissionIntervalMicros() * limit.capacity() >= 2 * lifetimeMicros
						&& limit.emissionIntervalMicros() * MIN_LEASE <= lifetimeMicros;
			}
			case SLIDING_WINDOW -> false;
		};
	}

	/**
	 * Decides from a lease, taking or refilling one for a hot key.
	 * @param policy the limits
	 * @param key who asks
	 * @param permits how many
	 * @param mode what the request does
	 * @return the decision, or {@code null} when the request must make the exact call
	 * @throws RedisCallException when a lease taken for this request cannot be had
	 */
	public RateLimitDecision tryAcquire(RateLimitPolicy policy, String key, long permits, AcquireMode mode) {
		if (this.closed || mode != AcquireMode.ACQUIRE || permits != 1 || !canLease(policy)
				|| !this.leased.test(policy)) {
			return null;
		}
		Counts counts = counts(policy);
		counts.decisions.increment();
		long now = this.nanoTime.getAsLong();
		LeaseKey leaseKey = new LeaseKey(policy, key);
		KeyLease lease = this.leases.getIfPresent(leaseKey);
		if (lease == null) {
			lease = this.leases.get(leaseKey, (ignored) -> new KeyLease(now));
		}
		long rate = lease.arrive(now);
		if (rate < hotRate()) {
			// Cold: exact decisions, and what is left of a lease goes back.
			if (lease.inHand() > 0) {
				giveBack(leaseKey, lease, true);
			}
			counts.redisCalls.increment();
			return null;
		}
		RateLimitDecision fromLease = lease.take(policy, now);
		if (fromLease != null) {
			counts.leased.increment();
			if (lease.low()) {
				refillInBackground(leaseKey, lease, counts, rate);
			}
			return fromLease;
		}
		RateLimitDecision refused = lease.refusedUntilWindowEnds(policy, now);
		if (refused != null) {
			counts.leased.increment();
			return refused;
		}
		if (!lease.refilling.compareAndSet(false, true)) {
			counts.redisCalls.increment();
			return null;
		}
		try {
			counts.redisCalls.increment();
			RateLimitDecision decision = lease.fill(this.redis, policy, key, size(rate, lease, policy), now,
					this.nanoTime, true);
			if (decision == null) {
				// The exact call comes next.
				counts.redisCalls.increment();
			}
			return decision;
		}
		finally {
			lease.refilling.set(false);
		}
	}

	private long hotRate() {
		return MIN_LEASE * 1000 / LEASE_SPAN_MILLIS;
	}

	/**
	 * What a lease takes: what the key would use in the lease span, at most a quarter of
	 * what the window had left when last seen, at least 1.
	 */
	private static long size(long ratePerSecond, KeyLease lease, RateLimitPolicy policy) {
		long left = lease.sharedRemaining();
		if (left < 0) {
			// What is left is not known yet: a first small lease learns it.
			return MIN_LEASE;
		}
		long wanted = Math.max(MIN_LEASE, ratePerSecond * LEASE_SPAN_MILLIS / 1000);
		return Math.max(1, Math.min(wanted, left / 4));
	}

	private void refillInBackground(LeaseKey key, KeyLease lease, Counts counts, long rate) {
		if (this.closed || !lease.refilling.compareAndSet(false, true)) {
			return;
		}
		long queuedAt = this.nanoTime.getAsLong();
		try {
			this.refills.execute(() -> {
				try {
					if (lease.retired() || this.nanoTime.getAsLong() - queuedAt > LEASE_SPAN_MILLIS * 1_000_000) {
						// Given back, or queued behind a slow Redis for longer than a lease is
						// sized for: the key may have cooled since.
						return;
					}
					counts.redisCalls.increment();
					lease.fill(this.redis, key.policy, key.key, size(rate, lease, key.policy), this.nanoTime.getAsLong(),
							this.nanoTime, false);
				}
				catch (RuntimeException ex) {
					logger.debug("A lease of rule '" + key.policy.name() + "' could not be refilled", ex);
				}
				finally {
					lease.refilling.set(false);
				}
			});
		}
		catch (RuntimeException ex) {
			lease.refilling.set(false);
		}
	}

	private void giveBack(LeaseKey key, KeyLease lease, boolean inBackground) {
		giveBack(key, lease, inBackground, false);
	}

	/**
	 * @param retire whether the lease is done with: a refill landing later gives its
	 * permits straight back
	 * @return done when the permits are back or cannot be given back
	 */
	private CompletableFuture<Void> giveBack(LeaseKey key, KeyLease lease, boolean inBackground, boolean retire) {
		if (key.policy.algorithm() == RateLimitAlgorithm.TOKEN_BUCKET) {
			return giveBackToBucket(key, lease, inBackground, retire);
		}
		// A refund counts against whatever window is current when it runs: one that could
		// land after the window's end would free permits in the next one. So only permits
		// with time enough left in their window go back; the others die with it.
		long unused = lease.drain(this.nanoTime.getAsLong() + this.refundMargin, retire);
		if (unused <= 0) {
			return DONE;
		}
		if (inBackground) {
			return this.redis.refundInBackground(key.policy, key.key, unused);
		}
		try {
			this.redis.acquire(key.policy, key.key, unused, AcquireMode.REFUND);
		}
		catch (RuntimeException ex) {
			// Unused permits stay taken until their window ends: under-admission, never over.
			logger.debug("Unused leased permits of rule '" + key.policy.name() + "' could not be given back", ex);
		}
		return DONE;
	}

	private CompletableFuture<Void> giveBackToBucket(LeaseKey key, KeyLease lease, boolean inBackground,
			boolean retire) {
		long[] drained = lease.drainBucket(retire);
		if (drained[0] <= 0) {
			return DONE;
		}
		if (inBackground) {
			return this.redis.giveBackToBucketInBackground(key.policy, key.key, drained[0], drained[1]);
		}
		try {
			this.redis.giveBackToBucket(key.policy, key.key, drained[0], drained[1]);
		}
		catch (RuntimeException ex) {
			// They count as used until the lease's end: the bucket refills past them.
			logger.debug("Unused leased permits of rule '" + key.policy.name() + "' could not be given back", ex);
		}
		return DONE;
	}

	private Counts counts(RateLimitPolicy policy) {
		Counts counts = this.counts.get(policy.name());
		if (counts == null) {
			Counts made = new Counts();
			counts = this.counts.putIfAbsent(policy.name(), made);
			if (counts == null) {
				counts = made;
				this.ruleListeners.forEach((listener) -> listener.accept(policy.name()));
			}
		}
		return counts;
	}

	/**
	 * Hears of each rule whose decisions go through the leases, when its first one does
	 * (a rule of a {@code @RateLimited} method included), and of those already seen.
	 * @param listener takes the rule's name
	 */
	public void onRule(java.util.function.Consumer<String> listener) {
		this.ruleListeners.add(listener);
		this.counts.keySet().forEach(listener);
	}

	/**
	 * The decisions of a rule that went through the leases, those served from one, and the
	 * Redis calls they took.
	 * @param rule the rule's name
	 * @return {decisions, served from leases, Redis calls}
	 */
	public long[] counts(String rule) {
		Counts counts = this.counts.get(rule);
		return (counts != null)
				? new long[] { counts.decisions.sum(), counts.leased.sum(), counts.redisCalls.sum() }
				: new long[3];
	}

	/**
	 * The rules counted so far.
	 * @return their names
	 */
	public java.util.Set<String> rules() {
		return this.counts.keySet();
	}

	/**
	 * The leased keys and the counts of each rule, for the snapshot.
	 * @return details
	 */
	public Map<String, Object> details() {
		Map<String, Object> details = new LinkedHashMap<>();
		long now = this.nanoTime.getAsLong();
		// By rule, never by key: a key may be a credential (an API key header).
		Map<String, long[]> byRule = new LinkedHashMap<>();
		this.leases.asMap().forEach((key, lease) -> {
			long inHand = lease.inHandAt(now);
			if (inHand > 0) {
				long[] sums = byRule.computeIfAbsent(key.policy.name(), (rule) -> new long[2]);
				sums[0]++;
				sums[1] += inHand;
			}
		});
		Map<String, Object> leased = new LinkedHashMap<>();
		byRule.forEach((rule, sums) -> leased.put(rule, Map.of("keys", sums[0], "permitsInHand", sums[1])));
		details.put("leasedKeys", leased);
		Map<String, Object> rules = new LinkedHashMap<>();
		this.counts.forEach((rule, counts) -> {
			long decisions = counts.decisions.sum();
			rules.put(rule, Map.of("decisions", decisions, "fromLeases", counts.leased.sum(), "redisCallsPerDecision",
					(decisions > 0) ? (double) counts.redisCalls.sum() / decisions : 0.0));
		});
		details.put("rules", rules);
		return details;
	}

	/**
	 * Gives back the leases of the keys idle for a second now, rather than at the next
	 * access to the leases.
	 */
	public void evictIdle() {
		this.leases.cleanUp();
	}

	/**
	 * Stops leasing, and gives the unused permits back: a refill under way lands first and
	 * goes back with the rest. Waits for Redis no longer than twice its timeout in all, once
	 * for that refill and once for the permits, however many keys: a slow or frozen Redis
	 * holds the application's stop that long at most, and what has not gone back by then
	 * stays taken until its lease ends.
	 */
	@Override
	public void close() {
		this.closed = true;
		long timeout = this.redis.redis().timeout().toNanos() + REFUND_SLACK_NANOS;
		this.refills.shutdown();
		try {
			this.refills.awaitTermination(timeout, TimeUnit.NANOSECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return;
		}
		List<Map.Entry<LeaseKey, KeyLease>> held = new ArrayList<>(this.leases.asMap().entrySet());
		long deadline = this.nanoTime.getAsLong() + timeout;
		int given = 0;
		// In batches, each waited for: never more calls under way than Redis answers in time,
		// nor than the background calls the requests' own refunds share.
		while (given < held.size() && this.nanoTime.getAsLong() - deadline < 0) {
			List<CompletableFuture<Void>> batch = new ArrayList<>(CLOSE_BATCH);
			for (int end = Math.min(held.size(), given + CLOSE_BATCH); given < end; given++) {
				Map.Entry<LeaseKey, KeyLease> entry = held.get(given);
				try {
					batch.add(giveBack(entry.getKey(), entry.getValue(), true, true));
				}
				catch (RuntimeException ex) {
					logger.debug("Unused leased permits of rule '" + entry.getKey().policy.name()
							+ "' could not be given back", ex);
				}
			}
			try {
				CompletableFuture.allOf(batch.toArray(CompletableFuture[]::new))
					.get(Math.max(0, deadline - this.nanoTime.getAsLong()), TimeUnit.NANOSECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				break;
			}
			catch (ExecutionException | TimeoutException ex) {
				break;
			}
		}
		if (given < held.size()) {
			logger.debug("The unused permits of " + (held.size() - given) + " leased keys are sent back without "
					+ "waiting: Redis did not take the others back in time");
		}
		// Each key left goes back without being waited for (see the removal listener).
		this.leases.invalidateAll();
	}

	private record LeaseKey(RateLimitPolicy policy, String key) {

		@Override
		public boolean equals(Object other) {
			return other instanceof LeaseKey that && this.policy == that.policy && this.key.equals(that.key);
		}

		@Override
		public int hashCode() {
			return 31 * System.identityHashCode(this.policy) + this.key.hashCode();
		}

	}

	private static final class Counts {

		final LongAdder decisions = new LongAdder();

		final LongAdder leased = new LongAdder();

		final LongAdder redisCalls = new LongAdder();

	}

	/**
	 * Permits of one lease: how many are left, until when they may be used, and until when
	 * a bucket holds them as used.
	 */
	private static final class Grant {

		static final Grant NONE = new Grant(0, 0, RateLimitDecision.UNKNOWN_HOLD);

		final AtomicLong permits;

		final long validUntil;

		final long holdUntil;

		Grant(long permits, long validUntil, long holdUntil) {
			this.permits = new AtomicLong(permits);
			this.validUntil = validUntil;
			this.holdUntil = holdUntil;
		}

		boolean validAt(long now) {
			return this != NONE && now - this.validUntil < 0;
		}

		/**
		 * @return the permits left after taking one, or -1 when there was none to take
		 */
		long take(long now) {
			if (!validAt(now)) {
				return -1;
			}
			long left;
			do {
				left = this.permits.get();
				if (left <= 0) {
					return -1;
				}
			}
			while (!this.permits.compareAndSet(left, left - 1));
			return left - 1;
		}

		long leftAt(long now) {
			return validAt(now) ? Math.max(0, this.permits.get()) : 0;
		}

	}

	/**
	 * One key's leases: the permits in hand (those of the last lease, and those left of the
	 * one before it, each valid as long as its own lease), what the shared state had left
	 * when last seen, and the key's local rate.
	 */
	static final class KeyLease {

		private final ReentrantLock lock = new ReentrantLock();

		/**
		 * Each lease keeps its own end: a refill never extends permits taken earlier.
		 */
		private volatile Grant current = Grant.NONE;

		private volatile Grant previous = Grant.NONE;

		private volatile long lastLease;

		private volatile long sharedRemaining = -1;

		private volatile long exhaustedUntil;

		private volatile long refusedResetAt;

		private volatile long refusedRetryAt;

		/**
		 * The token bucket's state the last lease left: its unused permits go back only
		 * while the bucket is still in it.
		 */
		private long bucketState;

		private boolean retired;

		final AtomicBoolean refilling = new AtomicBoolean();

		private final AtomicLong slot = new AtomicLong(Long.MIN_VALUE);

		private final AtomicLong slotArrivals = new AtomicLong();

		private volatile long lastSlotArrivals;

		KeyLease(long now) {
			this.exhaustedUntil = now;
		}

		/**
		 * Counts an arrival.
		 * @return the key's local rate, per second, over the last full slot or this one
		 */
		long arrive(long now) {
			long current = now / SLOT_NANOS;
			long seen = this.slot.get();
			if (current != seen && this.slot.compareAndSet(seen, current)) {
				this.lastSlotArrivals = (current == seen + 1) ? this.slotArrivals.getAndSet(0) : 0;
				if (current != seen + 1) {
					this.slotArrivals.set(0);
				}
			}
			long arrivals = this.slotArrivals.incrementAndGet();
			return Math.max(this.lastSlotArrivals, arrivals) * (1_000_000_000L / SLOT_NANOS);
		}

		RateLimitDecision take(RateLimitPolicy policy, long now) {
			// The older permits first: they end first.
			Grant older = this.previous;
			Grant newer = this.current;
			Grant from = older;
			long left = older.take(now);
			if (left < 0) {
				from = newer;
				left = newer.take(now);
				if (left < 0) {
					return null;
				}
			}
			else {
				left += newer.leftAt(now);
			}
			// Only what is in hand here: the shared remaining as last seen may have gone to
			// other instances since.
			long hold = (from.holdUntil == RateLimitDecision.UNKNOWN_HOLD) ? RateLimitDecision.UNKNOWN_HOLD
					: Math.max(0, from.holdUntil - now);
			return new RateLimitDecision(true, policy, 0, left, from.validUntil - now, 0,
					RateLimitDecision.Source.BACKEND, hold);
		}

		RateLimitDecision refusedUntilWindowEnds(RateLimitPolicy policy, long now) {
			long until = this.exhaustedUntil;
			if (now - until >= 0) {
				return null;
			}
			// As Redis said when it refused, not merely until it is asked again.
			long reset = Math.max(0, this.refusedResetAt - now);
			long retry = Math.max(Math.max(until - now, this.refusedRetryAt - now), reset);
			return new RateLimitDecision(false, policy, 0, 0, reset, retry, RateLimitDecision.Source.BACKEND);
		}

		boolean low() {
			return inHand() * 4 <= this.lastLease && !this.refilling.get();
		}

		long inHand() {
			return Math.max(0, this.current.permits.get()) + Math.max(0, this.previous.permits.get());
		}

		long inHandAt(long now) {
			return this.current.leftAt(now) + this.previous.leftAt(now);
		}

		long sharedRemaining() {
			return this.sharedRemaining;
		}

		boolean retired() {
			return this.retired;
		}

		/**
		 * Takes a lease of {@code size} permits, keeping one for the request that waits for
		 * it when there is one.
		 * @return that request's decision, or {@code null} in the background
		 */
		RateLimitDecision fill(RedisRateLimiter redis, RateLimitPolicy policy, String key, long size, long sentAt,
				LongSupplier nanoTime, boolean forRequest) {
			boolean bucket = policy.algorithm() == RateLimitAlgorithm.TOKEN_BUCKET;
			RateLimitDecision decision;
			boolean leased;
			long bucketState = 0;
			if (bucket) {
				RedisRateLimiter.Lease lease = redis.leaseFromBucket(policy, key, size, forRequest, BUCKET_LEASE);
				decision = lease.decision();
				leased = lease.leased();
				bucketState = lease.state();
			}
			else if (forRequest) {
				RedisRateLimiter.Lease lease = redis.leaseFromWindow(policy, key, size);
				decision = lease.decision();
				leased = lease.leased();
			}
			else {
				decision = redis.acquire(policy, key, size, AcquireMode.ACQUIRE);
				leased = decision.allowed();
			}
			long now = nanoTime.getAsLong();
			if (decision.source() != RateLimitDecision.Source.BACKEND) {
				return forRequest ? decision : null;
			}
			this.lock.lock();
			try {
				if (this.retired && leased) {
					// Given back while the call was under way: these go back too.
					if (bucket) {
						redis.giveBackToBucketInBackground(policy, key, size, bucketState);
					}
					else {
						redis.refundInBackground(policy, key, size);
					}
					return null;
				}
				this.sharedRemaining = decision.remaining();
				if (!decision.allowed()) {
					if (decision.remaining() == 0) {
						// Nothing left: refused here for a moment (permits given back elsewhere
						// may come back before the window ends, a bucket refills). A bucket keeps
						// what it refills meanwhile: refusing here a little longer than its next
						// permit takes delays that permit, loses none, and spares Redis a call
						// per refused request at a bucket's limit.
						long refusedFor = bucket ? Math.max(decision.resetNanos(), BUCKET_REFUSAL_MEMORY_NANOS)
								: decision.retryAfterNanos();
						this.refusedResetAt = sentAt + decision.resetNanos();
						this.refusedRetryAt = sentAt + decision.retryAfterNanos();
						this.exhaustedUntil = sentAt + Math.min(refusedFor, REFUSAL_MEMORY_NANOS);
						return forRequest ? decision : null;
					}
					// Fewer left than asked for: the request makes the exact call.
					return null;
				}
				if (!leased) {
					// The lease did not fit; the request's own permit was decided exactly.
					return decision;
				}
				long granted = size - (forRequest ? 1 : 0);
				// A bucket's lease may be used for its lifetime, a window's until the window's
				// end as the server saw it; both counted from before the call was sent, so never
				// later than the server's own count.
				long until = sentAt + (bucket ? BUCKET_LEASE.toNanos() : decision.resetNanos());
				long holdUntil = bucket ? sentAt + decision.heldForNanos() : RateLimitDecision.UNKNOWN_HOLD;
				Grant grant = new Grant(granted, until, holdUntil);
				// A request's lease comes when nothing valid is in hand; a refill lands while the
				// last lease still has some.
				this.previous = forRequest ? Grant.NONE : this.current;
				this.current = grant;
				this.bucketState = bucketState;
				this.lastLease = size;
				if (!forRequest) {
					return null;
				}
				long hold = bucket ? Math.max(0, holdUntil - now) : RateLimitDecision.UNKNOWN_HOLD;
				return new RateLimitDecision(true, policy, 0, granted, until - now, 0, RateLimitDecision.Source.BACKEND,
						hold);
			}
			finally {
				this.lock.unlock();
			}
		}

		/**
		 * Takes every permit of a token bucket's leases out of hand, to give back: only the
		 * last lease's can go, and only while the bucket is still in the state it left.
		 * @return how many may go back, and the state that lease left
		 */
		long[] drainBucket(boolean retire) {
			this.lock.lock();
			try {
				this.retired |= retire;
				this.previous.permits.set(0);
				long left = Math.max(0, this.current.permits.getAndSet(0));
				return new long[] { left, this.bucketState };
			}
			finally {
				this.lock.unlock();
			}
		}

		/**
		 * Takes every permit of a window's leases out of hand, to give back.
		 * @param validAt when the refund may land at the latest: only permits whose window
		 * lasts that long may go back
		 * @return how many
		 */
		long drain(long validAt, boolean retire) {
			this.lock.lock();
			try {
				this.retired |= retire;
				long unused = 0;
				for (Grant grant : new Grant[] { this.previous, this.current }) {
					long left = Math.max(0, grant.permits.getAndSet(0));
					if (grant.validAt(validAt)) {
						unused += left;
					}
				}
				return unused;
			}
			finally {
				this.lock.unlock();
			}
		}

	}

}
