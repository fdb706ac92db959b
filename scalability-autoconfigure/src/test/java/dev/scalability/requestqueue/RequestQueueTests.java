package dev.scalability.requestqueue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import dev.scalability.test.time.ManualClock;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * The queue's decisions, on a clock the tests move: who runs, who waits, in which order,
 * and who is refused why.
 */
class RequestQueueTests {

	private final ManualClock clock = new ManualClock();

	private double heap = 0.1;

	private RequestQueue queue(int limit) {
		return queue(limit, RequestQueueSettings.defaults(), ServerErrorBreaker.NONE);
	}

	private RequestQueue queue(int limit, RequestQueueSettings settings, ServerErrorBreaker breaker) {
		return new RequestQueue(settings, ConcurrencyLimit.fixed(limit), breaker, () -> this.heap,
				RequestQueueObserver.NONE, this.clock::nanos);
	}

	private static RequestQueueSettings settings(int maxQueue, Duration maxWait) {
		return new RequestQueueSettings(maxQueue, maxWait, Duration.ofSeconds(30), Duration.ofMillis(5),
				Duration.ofMillis(100), 0.85);
	}

	@Test
	void requestsRunAtOnceUpToTheLimitAndWaitBeyondIt() {
		RequestQueue queue = queue(2);
		assertThat(queue.admit(Priority.MEDIUM, null, new RecordingWaiter("a"))).isInstanceOf(Permit.class);
		assertThat(queue.admit(Priority.MEDIUM, null, new RecordingWaiter("b"))).isInstanceOf(Permit.class);
		RecordingWaiter third = new RecordingWaiter("c");
		assertThat(queue.admit(Priority.MEDIUM, null, third)).isInstanceOf(Waiting.class);
		assertThat(queue.snapshot().pending()).containsEntry(Priority.MEDIUM, 1);
		assertThat(queue.running()).isEqualTo(2);
	}

	@Test
	void aFreedSlotGoesToTheHighestPriorityWaiterWhateverItsArrival() {
		RequestQueue queue = queue(1);
		Permit running = (Permit) queue.admit(Priority.MEDIUM, null, new RecordingWaiter("first"));
		List<String> order = new CopyOnWriteArrayList<>();
		List<RecordingWaiter> waiters = new ArrayList<>();
		for (Priority priority : List.of(Priority.LOW, Priority.MEDIUM, Priority.LOW, Priority.HIGH, Priority.MEDIUM)) {
			RecordingWaiter waiter = new RecordingWaiter(priority.value() + waiters.size(), order);
			waiters.add(waiter);
			queue.admit(priority, null, waiter);
		}
		Permit current = running;
		for (int i = 0; i < waiters.size(); i++) {
			current.release(200);
			current = lastAdmitted(waiters, order);
		}
		assertThat(order).containsExactly("high3", "medium1", "medium4", "low0", "low2");
	}

	private static Permit lastAdmitted(List<RecordingWaiter> waiters, List<String> order) {
		String last = order.get(order.size() - 1);
		int index = Integer.parseInt(last.replaceAll("[a-z]", ""));
		return waiters.get(index).permit();
	}

	@Test
	void aNewRequestDoesNotOvertakeWaitersOfItsOwnPriority() {
		RequestQueue queue = queue(1);
		Permit running = (Permit) queue.admit(Priority.MEDIUM, null, new RecordingWaiter("running"));
		RecordingWaiter waiting = new RecordingWaiter("waiting");
		queue.admit(Priority.MEDIUM, null, waiting);
		running.release(200);
		assertThat(waiting.permit()).isNotNull();
		// The slot is taken by the waiter: a newcomer of the same priority waits its turn.
		assertThat(queue.admit(Priority.MEDIUM, null, new RecordingWaiter("late"))).isInstanceOf(Waiting.class);
	}

	@Test
	void aFullQueueRefusesAtOnceWithQueueFull() {
		RequestQueue queue = queue(1, settings(2, Duration.ofSeconds(5)), ServerErrorBreaker.NONE);
		queue.admit(Priority.MEDIUM, null, new RecordingWaiter("running"));
		queue.admit(Priority.MEDIUM, null, new RecordingWaiter("w1"));
		queue.admit(Priority.MEDIUM, null, new RecordingWaiter("w2"));
		Admission refused = queue.admit(Priority.MEDIUM, null, new RecordingWaiter("w3"));
		assertThat(refused).isInstanceOfSatisfying(Refusal.class,
				(refusal) -> assertThat(refusal.reason()).isEqualTo(RefusalReason.QUEUE_FULL));
		assertThat(queue.snapshot().rejected()).containsEntry(RefusalReason.QUEUE_FULL, 1L);
	}

	@Test
	void aHigherPriorityRequestTakesTheQueuePlaceOfTheOldestLowerOne() {
		RequestQueue queue = queue(1, settings(2, Duration.ofSeconds(5)), ServerErrorBreaker.NONE);
		queue.admit(Priority.MEDIUM, null, new RecordingWaiter("running"));
		RecordingWaiter oldLow = new RecordingWaiter("old-low");
		RecordingWaiter newLow = new RecordingWaiter("new-low");
		queue.admit(Priority.LOW, null, oldLow);
		queue.admit(Priority.LOW, null, newLow);
		assertThat(queue.admit(Priority.HIGH, null, new RecordingWaiter("high"))).isInstanceOf(Waiting.class);
		assertThat(oldLow.refusal().reason()).isEqualTo(RefusalReason.QUEUE_FULL);
		assertThat(newLow.waiting()).isTrue();
		// Nothing lower is left to push out for a second low one.
		assertThat(queue.admit(Priority.LOW, null, new RecordingWaiter("low"))).isInstanceOf(Refusal.class);
	}

	@Test
	void aWaiterIsRefusedWithWaitTimeoutOnceItHasWaitedMaxWait() {
		RequestQueue queue = queue(1, settings(10, Duration.ofSeconds(2)), ServerErrorBreaker.NONE);
		queue.admit(Priority.MEDIUM, null, new RecordingWaiter("running"));
		RecordingWaiter waiter = new RecordingWaiter("waiter");
		queue.admit(Priority.MEDIUM, null, waiter);
		this.clock.advance(Duration.ofMillis(1999));
		queue.sweep();
		assertThat(waiter.waiting()).isTrue();
		this.clock.advance(Duration.ofMillis(1));
		queue.sweep();
		assertThat(waiter.refusal().reason()).isEqualTo(RefusalReason.WAIT_TIMEOUT);
		assertThat(waiter.refusal().retryAfterSeconds()).isPositive();
		assertThat(queue.snapshot().pendingTotal()).isZero();
	}

	@Test
	void aWaiterWhoseRouteDeadlineComesFirstIsRefusedAtTheDeadline() {
		RequestQueue queue = queue(1);
		queue.admit(Priority.MEDIUM, null, new RecordingWaiter("running"));
		RecordingWaiter quick = new RecordingWaiter("quick");
		RecordingWaiter patient = new RecordingWaiter("patient");
		queue.admit(Priority.MEDIUM, null, patient);
		queue.admit(Priority.MEDIUM, Duration.ofMillis(300), quick);
		this.clock.advance(Duration.ofMillis(300));
		// Found by the full scan, although an older waiter stands before it.
		this.clock.advance(Duration.ofMillis(100));
		queue.sweep();
		assertThat(quick.refusal().reason()).isEqualTo(RefusalReason.WAIT_TIMEOUT);
		assertThat(patient.waiting()).isTrue();
	}

	@Test
	void aRequestPastItsDeadlineGivesItsSlotBackAndItsListenerIsTold() {
		RequestQueue queue = queue(1);
		Permit slow = (Permit) queue.admit(Priority.MEDIUM, Duration.ofSeconds(1), new RecordingWaiter("slow"));
		AtomicBoolean told = new AtomicBoolean();
		slow.onDeadline(() -> told.set(true));
		RecordingWaiter next = new RecordingWaiter("next");
		queue.admit(Priority.MEDIUM, null, next);
		this.clock.advance(Duration.ofMillis(999));
		queue.sweep();
		assertThat(told).isFalse();
		this.clock.advance(Duration.ofMillis(1));
		queue.sweep();
		assertThat(told).isTrue();
		assertThat(slow.overdue()).isTrue();
		assertThat(next.permit()).isNotNull();
		RequestQueueSnapshot snapshot = queue.snapshot();
		assertThat(snapshot.running()).isEqualTo(1);
		assertThat(snapshot.overrunning()).isEqualTo(1);
		assertThat(snapshot.rejected()).containsEntry(RefusalReason.REQUEST_TIMEOUT, 1L);
		// The slow request ends at last: it gives nothing back twice.
		slow.release(200);
		assertThat(queue.snapshot().overrunning()).isZero();
		assertThat(queue.running()).isEqualTo(1);
	}

	@Test
	void aListenerAddedAfterTheDeadlineIsToldAtOnce() {
		RequestQueue queue = queue(1);
		Permit permit = (Permit) queue.admit(Priority.MEDIUM, Duration.ofMillis(50), new RecordingWaiter("p"));
		this.clock.advance(Duration.ofMillis(50));
		queue.sweep();
		AtomicBoolean told = new AtomicBoolean();
		permit.onDeadline(() -> told.set(true));
		assertThat(told).isTrue();
	}

	@Test
	void manyThreadsTakingAndGivingBackSlotsNeverRunMoreThanTheLimitAndLeaveNoWaiterBehind() throws Exception {
		RequestQueue queue = queue(1);
		AtomicInteger runningNow = new AtomicInteger();
		AtomicInteger mostAtOnce = new AtomicInteger();
		AtomicInteger waited = new AtomicInteger();
		// Few threads on one slot: a waiter that a release failed to see would wait for ever,
		// since the other thread soon waits behind it.
		ExecutorService threads = Executors.newFixedThreadPool(3);
		try {
			List<Future<?>> workers = new ArrayList<>();
			for (int t = 0; t < 3; t++) {
				Priority priority = (t == 0) ? Priority.HIGH : Priority.MEDIUM;
				workers.add(threads.submit(() -> {
					for (int i = 0; i < 200_000; i++) {
						CompletableFuture<Permit> turn = new CompletableFuture<>();
						Admission admission = queue.admit(priority, null, new Waiter() {

							@Override
							public void admitted(Permit permit) {
								turn.complete(permit);
							}

							@Override
							public void refused(Refusal refusal) {
								turn.completeExceptionally(new IllegalStateException(refusal.toString()));
							}

						});
						Permit permit;
						if (admission instanceof Permit atOnce) {
							permit = atOnce;
						}
						else {
							waited.incrementAndGet();
							permit = turn.orTimeout(5, TimeUnit.SECONDS).join();
						}
						int now = runningNow.incrementAndGet();
						mostAtOnce.accumulateAndGet(now, Math::max);
						runningNow.decrementAndGet();
						permit.release(200);
					}
					return null;
				}));
			}
			for (Future<?> worker : workers) {
				worker.get(60, TimeUnit.SECONDS);
			}
		}
		finally {
			threads.shutdownNow();
		}
		assertThat(mostAtOnce).hasValue(1);
		// Many had to wait, and every one of them got its turn.
		assertThat(waited).hasPositiveValue();
		assertThat(queue.running()).isZero();
		assertThat(queue.snapshot().pendingTotal()).isZero();
	}

	@Test
	void aSlotFreedWhileAHighPriorityRequestIsBeingQueuedGoesToItAndNotToALaterRequest() throws Exception {
		HoldingLimit limit = new HoldingLimit(1);
		RequestQueue queue = new RequestQueue(settings(1, Duration.ofSeconds(10)), limit, ServerErrorBreaker.NONE,
				() -> this.heap, RequestQueueObserver.NONE, this.clock::nanos);
		measureProcessing(queue);
		Permit running = (Permit) queue.admit(Priority.MEDIUM, null, new RecordingWaiter("running"));
		queue.admit(Priority.LOW, null, new RecordingWaiter("low"));
		RecordingWaiter high = new RecordingWaiter("high");
		// The high-priority request finds no slot, evicts the low one from the full queue,
		// and is held while it works out the Retry-After of the evicted one.
		Thread queueing = new Thread(() -> queue.admit(Priority.HIGH, null, high));
		limit.holdAt(queueing, 2);
		queueing.start();
		limit.awaitHeld();
		Thread releasing = new Thread(() -> running.release(200));
		releasing.start();
		awaitBlocked(releasing);
		CompletableFuture<Admission> later = CompletableFuture.supplyAsync(
				() -> queue.admit(Priority.MEDIUM, null, new RecordingWaiter("later")));
		limit.resume();
		queueing.join(10_000);
		releasing.join(10_000);
		assertThat(high.permit()).isNotNull();
		assertThat(later.get(10, TimeUnit.SECONDS)).isInstanceOf(Waiting.class);
	}

	@Test
	void aRequestBeingDecidedWhenTheShutdownBeginsIsRefusedNotStartedAfterIt() throws Exception {
		HoldingLimit limit = new HoldingLimit(1);
		RequestQueue queue = new RequestQueue(settings(10, Duration.ofSeconds(10)), limit, ServerErrorBreaker.NONE,
				() -> this.heap, RequestQueueObserver.NONE, this.clock::nanos);
		Permit running = (Permit) queue.admit(Priority.MEDIUM, null, new RecordingWaiter("running"));
		RecordingWaiter waiting = new RecordingWaiter("waiting");
		queue.admit(Priority.MEDIUM, null, waiting);
		// The timer holds the lock while it asks for the limit.
		Thread sweeping = new Thread(queue::sweep);
		limit.holdAt(sweeping, 1);
		sweeping.start();
		limit.awaitHeld();
		AtomicReference<CompletableFuture<Void>> idle = new AtomicReference<>();
		Thread stopping = new Thread(() -> idle.set(queue.shutdown()));
		stopping.start();
		awaitBlocked(stopping);
		CompletableFuture<Admission> arriving = CompletableFuture
			.supplyAsync(() -> queue.admit(Priority.MEDIUM, null, new RecordingWaiter("arriving")));
		Thread releasing = new Thread(() -> running.release(200));
		releasing.start();
		awaitBlocked(releasing);
		limit.resume();
		Admission arrived = arriving.get(10, TimeUnit.SECONDS);
		assertThat(arrived).isInstanceOfSatisfying(Refusal.class,
				(refusal) -> assertThat(refusal.reason()).isEqualTo(RefusalReason.SHUTTING_DOWN));
		// The timer hands the freed slot to the waiter once it lets go of the lock.
		sweeping.join(10_000);
		assertThat(waiting.permit()).isNotNull();
		stopping.join(10_000);
		assertThat(idle.get()).isNotDone();
		waiting.permit().release(200);
		assertThat(idle.get()).isDone();
	}

	@Test
	void aWaiterGivenASlotLaterThanTheSlotWasFreedIsNeverSaidToHaveWaitedLessThanNothing() throws Exception {
		CountDownLatch told = new CountDownLatch(1);
		CountDownLatch goOn = new CountDownLatch(1);
		RequestQueueObserver slowToHear = new RequestQueueObserver() {

			@Override
			public void completed(Priority priority, long processingNanos) {
				told.countDown();
				try {
					goOn.await(10, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}

		};
		RequestQueue queue = new RequestQueue(RequestQueueSettings.defaults(), ConcurrencyLimit.fixed(1),
				ServerErrorBreaker.NONE, () -> this.heap, slowToHear, this.clock::nanos);
		Permit running = (Permit) queue.admit(Priority.MEDIUM, null, new RecordingWaiter("running"));
		Thread releasing = new Thread(() -> running.release(200));
		releasing.start();
		told.await(10, TimeUnit.SECONDS);
		this.clock.advance(Duration.ofMillis(500));
		RecordingWaiter waiting = new RecordingWaiter("waiting");
		assertThat(queue.admit(Priority.MEDIUM, null, waiting)).isInstanceOf(Waiting.class);
		goOn.countDown();
		releasing.join(10_000);
		assertThat(waiting.permit()).isNotNull();
		assertThat(waiting.permit().waitedNanos()).isNotNegative();
	}

	@Test
	void aFailureWhileHandingOnASlotDoesNotLoseTheSlot() {
		HoldingLimit limit = new HoldingLimit(1);
		RequestQueue queue = new RequestQueue(settings(10, Duration.ofSeconds(1)), limit, ServerErrorBreaker.NONE,
				() -> this.heap, RequestQueueObserver.NONE, this.clock::nanos);
		measureProcessing(queue);
		Permit running = (Permit) queue.admit(Priority.MEDIUM, null, new RecordingWaiter("running"));
		queue.admit(Priority.MEDIUM, null, new RecordingWaiter("waiting"));
		this.clock.advance(Duration.ofSeconds(2));
		// The slot is taken for the waiter, which turns out to have waited too long; working
		// out its Retry-After fails.
		limit.failAt(Thread.currentThread(), 2);
		assertThatIllegalStateException().isThrownBy(() -> running.release(200));
		assertThat(queue.running()).isZero();
		assertThat(queue.admit(Priority.MEDIUM, null, new RecordingWaiter("next"))).isInstanceOf(Permit.class);
	}

	/**
	 * Runs a request through the queue, so that it knows how long requests take (and works
	 * out Retry-After from it).
	 */
	private void measureProcessing(RequestQueue queue) {
		Permit permit = (Permit) queue.admit(Priority.MEDIUM, null, new RecordingWaiter("measured"));
		this.clock.advance(Duration.ofMillis(10));
		permit.release(200);
		this.clock.advance(Duration.ofMillis(250));
		queue.sweep();
	}

	private static void awaitBlocked(Thread thread) {
		await().atMost(Duration.ofSeconds(10))
			.until(() -> thread.getState() == Thread.State.WAITING || thread.getState() == Thread.State.TIMED_WAITING);
	}

	@Test
	void aStandingQueueServesItsNewestFirstAndRefusesThoseThatWaitedTooLong() {
		RequestQueue queue = queue(1);
		drainAt(queue, 100);
		Permit running = (Permit) queue.admit(Priority.MEDIUM, null, new RecordingWaiter("running"));
		List<String> order = new CopyOnWriteArrayList<>();
		List<RecordingWaiter> waiters = new ArrayList<>();
		// A new waiter every 10 ms while the slot stays taken: the oldest waiter stays above
		// the 5 ms target for whole 100 ms intervals.
		for (int i = 0; i < 30; i++) {
			RecordingWaiter waiter = new RecordingWaiter("w" + i, order);
			waiters.add(waiter);
			queue.admit(Priority.MEDIUM, null, waiter);
			this.clock.advance(Duration.ofMillis(10));
			queue.sweep();
		}
		assertThat(queue.snapshot().standing()).containsEntry(Priority.MEDIUM, true);
		assertThat(waiters.get(0).refusal().reason()).isEqualTo(RefusalReason.WAIT_TIMEOUT);
		// Slots turn over every 10 ms, and more slowly as nothing ends: those that waited
		// more than a few turnovers are refused.
		assertThat(waiters.subList(0, 25)).allSatisfy((waiter) -> assertThat(waiter.refusal()).isNotNull());
		running.release(200);
		assertThat(order).containsExactly("w29");
	}

	/**
	 * Lets requests through the queue at a steady rate for two seconds, so that it knows how
	 * fast it drains.
	 */
	private void drainAt(RequestQueue queue, int perSecond) {
		long stepNanos = 1_000_000_000L / perSecond;
		for (int i = 0; i < 2 * perSecond; i++) {
			((Permit) queue.admit(Priority.MEDIUM, null, new RecordingWaiter("r" + i))).release(200);
			this.clock.advance(Duration.ofNanos(stepNanos));
			queue.sweep();
		}
	}

	@Test
	void aBurstInFrontOfSlowRequestsDrainsWithoutRefusals() {
		RequestQueue queue = queue(2);
		List<RecordingWaiter> requests = new ArrayList<>();
		for (int i = 0; i < 6; i++) {
			RecordingWaiter request = new RecordingWaiter("r" + i);
			requests.add(request);
			Admission admission = queue.admit(Priority.MEDIUM, null, request);
			if (admission instanceof Permit permit) {
				request.admitted(permit);
			}
		}
		// Each request takes 1.5 s: the queue stands for 3 s, but nothing new arrives.
		for (int round = 0; round < 3; round++) {
			for (int i = 0; i < 150; i++) {
				this.clock.advance(Duration.ofMillis(10));
				queue.sweep();
			}
			List<RecordingWaiter> running = requests.stream()
				.filter((request) -> request.permit() != null && !request.name().endsWith("done"))
				.toList();
			for (RecordingWaiter request : running) {
				request.permit().release(200);
				request.markDone();
			}
		}
		assertThat(requests).allSatisfy((request) -> assertThat(request.refusal()).isNull());
		assertThat(queue.snapshot().completed()).isEqualTo(6);
	}

	@Test
	void withoutKnowingHowFastItDrainsTheQueueRefusesWaitersOnlyAtMaxWait() {
		RequestQueue queue = queue(1);
		queue.admit(Priority.MEDIUM, null, new RecordingWaiter("running"));
		RecordingWaiter waiter = new RecordingWaiter("waiter");
		queue.admit(Priority.MEDIUM, null, waiter);
		for (int i = 0; i < 499; i++) {
			this.clock.advance(Duration.ofMillis(10));
			queue.sweep();
		}
		assertThat(waiter.waiting()).isTrue();
		this.clock.advance(Duration.ofMillis(10));
		queue.sweep();
		assertThat(waiter.refusal().reason()).isEqualTo(RefusalReason.WAIT_TIMEOUT);
	}

	@Test
	void aBurstThatDrainsIsServedOldestFirst() {
		RequestQueue queue = queue(1);
		Permit running = (Permit) queue.admit(Priority.MEDIUM, null, new RecordingWaiter("running"));
		List<String> order = new CopyOnWriteArrayList<>();
		RecordingWaiter first = new RecordingWaiter("first", order);
		RecordingWaiter second = new RecordingWaiter("second", order);
		queue.admit(Priority.MEDIUM, null, first);
		queue.admit(Priority.MEDIUM, null, second);
		this.clock.advance(Duration.ofMillis(50));
		queue.sweep();
		running.release(200);
		assertThat(order).containsExactly("first");
		assertThat(queue.snapshot().standing()).containsEntry(Priority.MEDIUM, false);
	}

	@Test
	void underMemoryPressureLowIsRefusedMediumRunsOnlyWhenASlotIsFreeAndHighStillWaits() {
		this.heap = 0.9;
		RequestQueue queue = queue(1);
		Admission low = queue.admit(Priority.LOW, null, new RecordingWaiter("low"));
		assertThat(low).isInstanceOfSatisfying(Refusal.class,
				(refusal) -> assertThat(refusal.reason()).isEqualTo(RefusalReason.MEMORY_PRESSURE));
		assertThat(queue.admit(Priority.MEDIUM, null, new RecordingWaiter("medium"))).isInstanceOf(Permit.class);
		Admission waitingMedium = queue.admit(Priority.MEDIUM, null, new RecordingWaiter("medium-2"));
		assertThat(waitingMedium).isInstanceOfSatisfying(Refusal.class,
				(refusal) -> assertThat(refusal.reason()).isEqualTo(RefusalReason.MEMORY_PRESSURE));
		assertThat(queue.admit(Priority.HIGH, null, new RecordingWaiter("high"))).isInstanceOf(Waiting.class);
		assertThat(queue.snapshot().memoryPressure()).isTrue();
	}

	@Test
	void memoryPressureEndsWhenTheHeapReadingFalls() {
		this.heap = 0.9;
		RequestQueue queue = queue(1);
		assertThat(queue.admit(Priority.LOW, null, new RecordingWaiter("low"))).isInstanceOf(Refusal.class);
		this.heap = 0.5;
		this.clock.advance(Duration.ofMillis(100));
		queue.sweep();
		assertThat(queue.admit(Priority.LOW, null, new RecordingWaiter("low"))).isInstanceOf(Permit.class);
	}

	@Test
	void anOpenBreakerRefusesMediumAndLowButLetsHighThrough() {
		CircuitBreaker breaker = CircuitBreaker.of("test",
				CircuitBreakerConfig.custom()
					.slidingWindowSize(4)
					.minimumNumberOfCalls(4)
					.failureRateThreshold(50)
					.waitDurationInOpenState(Duration.ofSeconds(30))
					.build());
		RequestQueue queue = queue(10, RequestQueueSettings.defaults(),
				new Resilience4jServerErrorBreaker(breaker, Duration.ofSeconds(30), this.clock::nanos));
		for (int i = 0; i < 4; i++) {
			((Permit) queue.admit(Priority.MEDIUM, null, new RecordingWaiter("r" + i))).release(500);
		}
		assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.OPEN);
		Admission refused = queue.admit(Priority.MEDIUM, null, new RecordingWaiter("m"));
		assertThat(refused).isInstanceOfSatisfying(Refusal.class, (refusal) -> {
			assertThat(refusal.reason()).isEqualTo(RefusalReason.CIRCUIT_OPEN);
			assertThat(refusal.retryAfterSeconds()).isEqualTo(30);
		});
		assertThat(queue.admit(Priority.LOW, null, new RecordingWaiter("l"))).isInstanceOf(Refusal.class);
		assertThat(queue.admit(Priority.HIGH, null, new RecordingWaiter("h"))).isInstanceOf(Permit.class);
		assertThat(queue.snapshot().breakerState()).isEqualTo("OPEN");
	}

	@Test
	void theBreakerClosesAgainAfterSuccessfulTrialRequests() {
		CircuitBreaker breaker = CircuitBreaker.of("test",
				CircuitBreakerConfig.custom()
					.slidingWindowSize(4)
					.minimumNumberOfCalls(4)
					.failureRateThreshold(50)
					.permittedNumberOfCallsInHalfOpenState(2)
					.waitDurationInOpenState(Duration.ofMillis(100))
					.build());
		RequestQueue queue = queue(10, RequestQueueSettings.defaults(),
				new Resilience4jServerErrorBreaker(breaker, Duration.ofMillis(100), this.clock::nanos));
		for (int i = 0; i < 4; i++) {
			((Permit) queue.admit(Priority.MEDIUM, null, new RecordingWaiter("r" + i))).release(503);
		}
		assertThat(queue.admit(Priority.MEDIUM, null, new RecordingWaiter("m"))).isInstanceOf(Refusal.class);
		breaker.transitionToHalfOpenState();
		for (int i = 0; i < 2; i++) {
			((Permit) queue.admit(Priority.MEDIUM, null, new RecordingWaiter("t" + i))).release(200);
		}
		assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
		assertThat(queue.admit(Priority.MEDIUM, null, new RecordingWaiter("m"))).isInstanceOf(Permit.class);
	}

	@Test
	void retryAfterFollowsHowFastTheQueueDrains() {
		RequestQueue queue = queue(1, settings(3, Duration.ofSeconds(5)), ServerErrorBreaker.NONE);
		// 10 requests a second leave the slot, for two seconds.
		for (int i = 0; i < 20; i++) {
			((Permit) queue.admit(Priority.MEDIUM, null, new RecordingWaiter("r" + i))).release(200);
			this.clock.advance(Duration.ofMillis(100));
			queue.sweep();
		}
		assertThat(queue.snapshot().drainPerSecond()).isBetween(9.0, 11.0);
		queue.admit(Priority.MEDIUM, null, new RecordingWaiter("running"));
		for (int i = 0; i < 3; i++) {
			queue.admit(Priority.MEDIUM, null, new RecordingWaiter("w" + i));
		}
		Refusal full = (Refusal) queue.admit(Priority.MEDIUM, null, new RecordingWaiter("full"));
		// Three ahead and itself, at ten a second: under half a second, rounded up.
		assertThat(full.retryAfterSeconds()).isEqualTo(1);
		RequestQueue slow = queue(1, settings(30, Duration.ofSeconds(5)), ServerErrorBreaker.NONE);
		for (int i = 0; i < 8; i++) {
			((Permit) slow.admit(Priority.MEDIUM, null, new RecordingWaiter("r" + i))).release(200);
			this.clock.advance(Duration.ofMillis(500));
			slow.sweep();
		}
		slow.admit(Priority.MEDIUM, null, new RecordingWaiter("running"));
		for (int i = 0; i < 30; i++) {
			slow.admit(Priority.MEDIUM, null, new RecordingWaiter("w" + i));
		}
		Refusal slowFull = (Refusal) slow.admit(Priority.MEDIUM, null, new RecordingWaiter("full"));
		// 31 at about two a second.
		assertThat(slowFull.retryAfterSeconds()).isBetween(14L, 18L);
	}

	@Test
	void shutdownRefusesNewRequestsServesThoseWaitingAndCompletesWhenIdle() {
		RequestQueue queue = queue(1);
		Permit running = (Permit) queue.admit(Priority.MEDIUM, null, new RecordingWaiter("running"));
		RecordingWaiter waiting = new RecordingWaiter("waiting");
		queue.admit(Priority.LOW, null, waiting);
		CompletableFuture<Void> idle = queue.shutdown();
		Admission late = queue.admit(Priority.HIGH, null, new RecordingWaiter("late"));
		assertThat(late).isInstanceOfSatisfying(Refusal.class,
				(refusal) -> assertThat(refusal.reason()).isEqualTo(RefusalReason.SHUTTING_DOWN));
		running.release(200);
		assertThat(waiting.permit()).isNotNull();
		assertThat(idle).isNotDone();
		waiting.permit().release(200);
		assertThat(idle).isDone();
	}

	@Test
	void waitersLeftAtTheEndOfShutdownAreRefusedNotDropped() {
		RequestQueue queue = queue(1);
		queue.admit(Priority.MEDIUM, null, new RecordingWaiter("running"));
		RecordingWaiter waiting = new RecordingWaiter("waiting");
		queue.admit(Priority.MEDIUM, null, waiting);
		queue.shutdown();
		assertThat(queue.refuseWaiting()).isEqualTo(1);
		assertThat(waiting.refusal().reason()).isEqualTo(RefusalReason.SHUTTING_DOWN);
	}

	@Test
	void aCancelledWaiterLeavesTheQueueAndHearsNothing() {
		RequestQueue queue = queue(1);
		Permit running = (Permit) queue.admit(Priority.MEDIUM, null, new RecordingWaiter("running"));
		RecordingWaiter gone = new RecordingWaiter("gone");
		Waiting entry = (Waiting) queue.admit(Priority.MEDIUM, null, gone);
		RecordingWaiter next = new RecordingWaiter("next");
		queue.admit(Priority.MEDIUM, null, next);
		assertThat(entry.cancel()).isTrue();
		assertThat(entry.cancel()).isFalse();
		running.release(200);
		assertThat(gone.waiting()).isTrue();
		assertThat(next.permit()).isNotNull();
	}

	@Test
	void aSlotGrantedToARequestThatIsGoneGoesToTheNextWaiter() {
		RequestQueue queue = queue(1);
		Permit running = (Permit) queue.admit(Priority.MEDIUM, null, new RecordingWaiter("running"));
		queue.admit(Priority.MEDIUM, null, new Waiter() {

			@Override
			public void admitted(Permit permit) {
				throw new IllegalStateException("the request is complete");
			}

			@Override
			public void refused(Refusal refusal) {
			}

		});
		RecordingWaiter next = new RecordingWaiter("next");
		queue.admit(Priority.MEDIUM, null, next);
		running.release(200);
		assertThat(next.permit()).isNotNull();
		assertThat(queue.running()).isEqualTo(1);
	}

	@Test
	void releasingTwiceGivesOneSlotBack() {
		RequestQueue queue = queue(1);
		Permit permit = (Permit) queue.admit(Priority.MEDIUM, null, new RecordingWaiter("p"));
		permit.release(200);
		permit.release(200);
		permit.abandon();
		assertThat(queue.running()).isZero();
		assertThat(queue.snapshot().completed()).isEqualTo(1);
	}

	@Test
	void requestsPastTheirDeadlineCanAtMostDoubleWhatRunsAtOnce() {
		RequestQueue queue = queue(2);
		List<Permit> stuck = new ArrayList<>();
		for (int round = 0; round < 2; round++) {
			for (int i = 0; i < 2; i++) {
				stuck.add((Permit) queue.admit(Priority.MEDIUM, Duration.ofMillis(100), new RecordingWaiter("s" + i)));
			}
			this.clock.advance(Duration.ofMillis(100));
			queue.sweep();
		}
		// Four handlers hang on: their slots were taken back, but no fifth request may start.
		assertThat(queue.snapshot().overrunning()).isEqualTo(4);
		RecordingWaiter fifth = new RecordingWaiter("fifth");
		assertThat(queue.admit(Priority.MEDIUM, null, fifth)).isInstanceOf(Waiting.class);
		stuck.get(0).release(200);
		assertThat(fifth.permit()).isNotNull();
	}

	@Test
	void aFailingObserverNeitherLeaksASlotNorStrandsAWaiter() {
		RequestQueue queue = new RequestQueue(RequestQueueSettings.defaults(), ConcurrencyLimit.fixed(1),
				ServerErrorBreaker.NONE, () -> 0, new RequestQueueObserver() {

					@Override
					public void admitted(Priority priority, long waitedNanos) {
						throw new IllegalStateException("observer failure");
					}

					@Override
					public void completed(Priority priority, long processingNanos) {
						throw new IllegalStateException("observer failure");
					}

					@Override
					public void refused(Priority priority, RefusalReason reason) {
						throw new IllegalStateException("observer failure");
					}

				}, this.clock::nanos);
		Permit first = (Permit) queue.admit(Priority.MEDIUM, null, new RecordingWaiter("first"));
		RecordingWaiter second = new RecordingWaiter("second");
		queue.admit(Priority.MEDIUM, null, second);
		first.release(200);
		assertThat(second.permit()).isNotNull();
		assertThat(queue.running()).isEqualTo(1);
		second.permit().release(200);
		assertThat(queue.running()).isZero();
	}

	@Test
	void slotsFreedByASweepAreHandedOnBeforeOverdueRequestsAreTold() throws Exception {
		RequestQueue queue = queue(1);
		Permit slow = (Permit) queue.admit(Priority.MEDIUM, Duration.ofMillis(50), new RecordingWaiter("slow"));
		java.util.concurrent.CountDownLatch telling = new java.util.concurrent.CountDownLatch(1);
		java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
		slow.onDeadline(() -> {
			telling.countDown();
			try {
				release.await();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		});
		RecordingWaiter next = new RecordingWaiter("next");
		queue.admit(Priority.MEDIUM, null, next);
		this.clock.advance(Duration.ofMillis(50));
		Thread sweeper = new Thread(queue::sweep);
		sweeper.start();
		assertThat(telling.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
		// The overdue request's listener is still busy: the next request runs already.
		assertThat(next.permit()).isNotNull();
		release.countDown();
		sweeper.join();
	}

	@Test
	void aQueueReopenedAfterShutdownAdmitsAgain() {
		RequestQueue queue = queue(1);
		assertThat(queue.shutdown()).isDone();
		assertThat(queue.admit(Priority.MEDIUM, null, new RecordingWaiter("refused"))).isInstanceOf(Refusal.class);
		queue.reopen();
		assertThat(queue.admit(Priority.MEDIUM, null, new RecordingWaiter("admitted"))).isInstanceOf(Permit.class);
		assertThat(queue.shutdown()).isNotDone();
	}

	@Test
	void afterAQuietSpellRetryAfterFollowsWhatTheSlotsCanServe() {
		RequestQueue queue = queue(10, settings(100, Duration.ofSeconds(5)), ServerErrorBreaker.NONE);
		// One request every five seconds, each taking 100 ms.
		for (int i = 0; i < 6; i++) {
			Permit permit = (Permit) queue.admit(Priority.MEDIUM, null, new RecordingWaiter("r" + i));
			this.clock.advance(Duration.ofMillis(100));
			permit.release(200);
			for (int step = 0; step < 49; step++) {
				this.clock.advance(Duration.ofMillis(100));
				queue.sweep();
			}
		}
		for (int i = 0; i < 110; i++) {
			queue.admit(Priority.MEDIUM, null, new RecordingWaiter("burst" + i));
		}
		Refusal full = (Refusal) queue.admit(Priority.MEDIUM, null, new RecordingWaiter("full"));
		// 100 ahead, ten slots of 100 ms: a hundred a second, so a second or two; the drain
		// seen over the quiet spell alone would have said a minute.
		assertThat(full.retryAfterSeconds()).isBetween(1L, 2L);
	}

	@Test
	void aFullBackloggedQueueTakesANewcomerInPlaceOfItsOldestWaiter() {
		RequestQueue queue = queue(1, settings(3, Duration.ofSeconds(5)), ServerErrorBreaker.NONE);
		drainAt(queue, 100);
		queue.admit(Priority.MEDIUM, null, new RecordingWaiter("running"));
		List<RecordingWaiter> waiters = new ArrayList<>();
		int newcomersRefused = 0;
		// A newcomer every 5 ms while the slot stays taken: the queue fills up and stands, and
		// within the quarter of a second the rates take to show it, arrivals outpace the drain.
		for (int i = 0; i < 100; i++) {
			RecordingWaiter waiter = new RecordingWaiter("w" + i);
			waiters.add(waiter);
			Admission admission = queue.admit(Priority.MEDIUM, null, waiter);
			if (i >= 60 && admission instanceof Refusal) {
				newcomersRefused++;
			}
			this.clock.advance(Duration.ofMillis(5));
			queue.sweep();
		}
		assertThat(queue.snapshot().standing()).containsEntry(Priority.MEDIUM, true);
		assertThat(newcomersRefused).isZero();
		assertThat(waiters.stream()
			.filter((waiter) -> waiter.refusal() != null && waiter.refusal().reason() == RefusalReason.QUEUE_FULL))
			.isNotEmpty();
	}

	@Test
	void anAdaptiveLimitStaysWithinItsBoundsAndGrowsWhileLatencyHolds() {
		AdaptiveConcurrencyLimit limit = AdaptiveConcurrencyLimit.of(AdaptiveConcurrencyLimit.Algorithm.GRADIENT2, 2,
				8);
		assertThat(limit.current()).isEqualTo(2);
		long now = 0;
		for (int i = 0; i < 2000; i++) {
			limit.onSample(now, 10_000_000, limit.current(), false);
			now += 1_000_000;
		}
		assertThat(limit.current()).isGreaterThan(2).isLessThanOrEqualTo(8);
		int lowest = limit.current();
		for (int i = 0; i < 200; i++) {
			limit.onSample(now, 500_000_000, limit.current(), false);
			now += 1_000_000;
			lowest = Math.min(lowest, limit.current());
		}
		// Latency fifty times worse: the limit backs off, never below its floor.
		assertThat(lowest).isGreaterThanOrEqualTo(2).isLessThan(8);
	}

}
