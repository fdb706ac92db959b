package dev.scalability.redis;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;

/**
 * How many calls Redis answered and how many timed out, over the current and the last
 * second: cheap to count from many threads (striped counters, rolled once a second), and
 * enough to tell a few slow calls from a Redis that fails a good part of them.
 */
final class RecentOutcomes {

	private static final long SECOND_NANOS = TimeUnit.SECONDS.toNanos(1);

	private final LongAdder answers = new LongAdder();

	private final LongAdder timeouts = new LongAdder();

	private final ReentrantLock rolling = new ReentrantLock();

	private volatile long since = System.nanoTime();

	private volatile long previousAnswers;

	private volatile long previousTimeouts;

	void answered(long now) {
		roll(now);
		this.answers.increment();
	}

	void timedOut(long now) {
		roll(now);
		this.timeouts.increment();
	}

	/**
	 * The share of calls that timed out, over about the last two seconds.
	 * @param now the time, in {@link System#nanoTime()}
	 * @return between 0 and 1
	 */
	double timeoutShare(long now) {
		roll(now);
		long timedOut = this.timeouts.sum() + this.previousTimeouts;
		long all = timedOut + this.answers.sum() + this.previousAnswers;
		return (all == 0) ? 0 : (double) timedOut / all;
	}

	private void roll(long now) {
		if (now - this.since < SECOND_NANOS || !this.rolling.tryLock()) {
			return;
		}
		try {
			if (now - this.since >= SECOND_NANOS) {
				boolean lastSecondOnly = now - this.since < 2 * SECOND_NANOS;
				this.previousAnswers = lastSecondOnly ? this.answers.sumThenReset() : reset(this.answers);
				this.previousTimeouts = lastSecondOnly ? this.timeouts.sumThenReset() : reset(this.timeouts);
				this.since = now;
			}
		}
		finally {
			this.rolling.unlock();
		}
	}

	private static long reset(LongAdder adder) {
		adder.reset();
		return 0;
	}

}
