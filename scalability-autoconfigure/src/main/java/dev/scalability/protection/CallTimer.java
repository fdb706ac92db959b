package dev.scalability.protection;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Times protected calls out on their own thread: at the deadline, the calling thread is
 * interrupted, so that a call blocked in an interruptible wait gives up, and the policy
 * answers with {@link ProtectionException.Reason#TIMED_OUT}. The call is not moved to
 * another thread, so it keeps its caller's thread-bound state (security context,
 * transaction, request), and a virtual thread stays unpinned. One small thread arms the
 * deadlines of every policy. The interrupt never outlives the call: the caller waits for
 * an interrupt under way to land, and clears it, before it goes on.
 */
public final class CallTimer implements AutoCloseable {

	private static final int RUNNING = 0;

	private static final int DONE = 1;

	private static final int INTERRUPTING = 2;

	private static final int TIMED_OUT = 3;

	/**
	 * The deadlines of the timed calls under way on this thread, innermost last: a retry,
	 * however deep, does not begin once any of them has passed.
	 */
	private static final ThreadLocal<Deque<AtomicInteger>> DEADLINES = ThreadLocal.withInitial(ArrayDeque::new);

	private final ScheduledExecutorService deadlines;

	public CallTimer() {
		ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, (task) -> {
			Thread thread = new Thread(task, "scalability-protection-timer");
			thread.setDaemon(true);
			return thread;
		});
		// A call that ends in time takes its deadline out of the queue, rather than leave it
		// there until it would have fired.
		executor.setRemoveOnCancelPolicy(true);
		this.deadlines = executor;
	}

	/**
	 * Whether the deadline of a timed call under way on this thread has passed.
	 * @return whether one has
	 */
	static boolean deadlinePassed() {
		Deque<AtomicInteger> active = DEADLINES.get();
		if (active.isEmpty()) {
			DEADLINES.remove();
			return false;
		}
		for (AtomicInteger state : active) {
			if (state.get() >= INTERRUPTING) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Makes a call, interrupting it at the deadline.
	 * @param <T> what it returns
	 * @param policy the policy's name, for the exception
	 * @param timeout the longest the call may take
	 * @param call the call
	 * @return what the call returned in time
	 * @throws ProtectionException when it did not end in time, whatever it did after
	 * @throws Throwable what the call threw in time
	 */
	<T> T call(String policy, Duration timeout, ProtectedCall<T> call) throws Throwable {
		Thread caller = Thread.currentThread();
		AtomicInteger state = new AtomicInteger(RUNNING);
		ScheduledFuture<?> deadline = this.deadlines.schedule(() -> {
			if (state.compareAndSet(RUNNING, INTERRUPTING)) {
				caller.interrupt();
				state.set(TIMED_OUT);
			}
		}, timeout.toNanos(), TimeUnit.NANOSECONDS);
		Deque<AtomicInteger> active = DEADLINES.get();
		active.addLast(state);
		T result;
		try {
			result = call.call();
		}
		catch (Throwable ex) {
			if (ended(state, deadline)) {
				throw ex;
			}
			throw new ProtectionException(policy, ProtectionException.Reason.TIMED_OUT, null, ex);
		}
		finally {
			active.removeLastOccurrence(state);
			if (active.isEmpty()) {
				DEADLINES.remove();
			}
		}
		if (!ended(state, deadline)) {
			// Nobody will use what came too late: what holds a resource (an HTTP response,
			// a stream) gives it back.
			if (result instanceof AutoCloseable late) {
				try {
					late.close();
				}
				catch (Exception ex) {
					// Dropped anyway.
				}
			}
			throw new ProtectionException(policy, ProtectionException.Reason.TIMED_OUT, null, null);
		}
		return result;
	}

	/**
	 * Whether the call ended before its deadline; if not, the interrupt it was sent is
	 * awaited and cleared, since it was meant for the call, not for what the thread does
	 * next.
	 */
	private static boolean ended(AtomicInteger state, ScheduledFuture<?> deadline) {
		if (state.compareAndSet(RUNNING, DONE)) {
			deadline.cancel(false);
			return true;
		}
		while (state.get() == INTERRUPTING) {
			Thread.onSpinWait();
		}
		Thread.interrupted();
		return false;
	}

	@Override
	public void close() {
		this.deadlines.shutdownNow();
	}

}
