package dev.scalability.events.memory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

import dev.scalability.delivery.DeadLetter;
import dev.scalability.events.DeliveryVerdict;
import dev.scalability.events.Event;
import dev.scalability.events.EventBusObserver;
import dev.scalability.events.EventDeadLetter;
import dev.scalability.events.EventId;
import dev.scalability.events.EventPublishException;
import dev.scalability.events.Subscription;
import dev.scalability.events.TopicSnapshot;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * One topic in memory: its events, its groups and its dead letters, under one lock. The
 * log keeps at most {@code retention} events and never forgets one a group still needs,
 * so a publish that would have to throws instead of dropping it.
 */
final class MemoryTopic {

	private static final Log logger = LogFactory.getLog(MemoryTopic.class);

	private final EventBusObserver observer;

	private final String name;

	private final int deadLetterRetention;

	private final ReentrantLock lock = new ReentrantLock();

	private final EventLog log;

	private final Map<String, MemoryGroup> groups = new LinkedHashMap<>();

	private final ArrayDeque<DeadEntry> deadLetters = new ArrayDeque<>();

	private long deadLettersForgotten;

	private long lastMillis = -1;

	private long lastSequence;

	MemoryTopic(String name, int retention, int deadLetterRetention, EventBusObserver observer) {
		this.name = name;
		this.observer = observer;
		this.deadLetterRetention = deadLetterRetention;
		this.log = new EventLog(retention);
	}

	/**
	 * Stores an event and wakes a worker of every group.
	 * @param headers its headers
	 * @param payload its JSON
	 * @param nowMillis the time, in milliseconds since the epoch
	 * @return the event
	 */
	Event append(Map<String, String> headers, String payload, long nowMillis) {
		this.lock.lock();
		try {
			makeRoom();
			EventId id = nextId(nowMillis);
			Event event = new Event(id.toString(), this.name, id.time(), headers, payload);
			this.log.append(event);
			for (MemoryGroup group : this.groups.values()) {
				group.available().signal();
			}
			return event;
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Adds a group, which gets the events published from now on.
	 * @param subscription its listener
	 * @return the group
	 */
	MemoryGroup addGroup(Subscription subscription) {
		this.lock.lock();
		try {
			MemoryGroup existing = this.groups.get(subscription.group());
			if (existing != null) {
				throw new IllegalStateException("Group '" + subscription.group() + "' of topic '" + this.name
						+ "' already has a listener, " + existing.subscription().description() + ", so "
						+ subscription.description() + " would get only some of its events: give it a group of "
						+ "its own");
			}
			MemoryGroup group = new MemoryGroup(subscription, this.lock.newCondition(), this.log.nextSequence());
			this.groups.put(subscription.group(), group);
			return group;
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Waits for the group's next delivery.
	 * @param group the group
	 * @param running whether the caller is still to work
	 * @return the delivery, or {@code null} once the caller is to stop
	 * @throws InterruptedException when the caller is interrupted while waiting
	 */
	MemoryGroup.Delivery take(MemoryGroup group, BooleanSupplier running) throws InterruptedException {
		this.lock.lock();
		try {
			while (running.getAsBoolean()) {
				long now = System.nanoTime();
				MemoryGroup.Delivery delivery = group.next(this.log, now);
				if (delivery != null) {
					return delivery;
				}
				long untilRetry = group.nanosToNextRetry(now);
				if (untilRetry < 0) {
					group.available().await();
				}
				else {
					group.available().await(untilRetry, TimeUnit.NANOSECONDS);
				}
			}
			return null;
		}
		finally {
			this.lock.unlock();
		}
	}

	void settle(MemoryGroup group, MemoryGroup.Delivery delivery, DeliveryVerdict verdict) {
		this.lock.lock();
		try {
			group.settle(delivery, verdict, System.nanoTime());
			if (verdict.kind() == DeliveryVerdict.Kind.DEAD_LETTER) {
				keepDeadLetter(new DeadEntry(new EventDeadLetter(delivery.event(), verdict.deadLetter()),
						delivery.sequence()));
			}
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Gives a group the events kept from an id on again.
	 * @param groupName the group
	 * @param from the first id to give again
	 * @return whether the group exists
	 */
	boolean replay(String groupName, EventId from) {
		this.lock.lock();
		try {
			MemoryGroup group = this.groups.get(groupName);
			if (group == null) {
				return false;
			}
			group.rewind(this.log.firstAtOrAfter(from));
			return true;
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Gives dead letters back to their groups.
	 * @param ids which events' dead letters
	 * @return how many went back
	 */
	int redrive(Predicate<String> ids) {
		this.lock.lock();
		try {
			int redriven = 0;
			long now = System.nanoTime();
			for (Iterator<DeadEntry> entries = this.deadLetters.iterator(); entries.hasNext();) {
				DeadEntry entry = entries.next();
				MemoryGroup group = this.groups.get(entry.letter().group());
				if (group != null && ids.test(entry.letter().event().id())) {
					entries.remove();
					group.redeliver(entry.letter().event(), entry.sequence(), now);
					redriven++;
				}
			}
			return redriven;
		}
		finally {
			this.lock.unlock();
		}
	}

	List<EventDeadLetter> deadLetters() {
		this.lock.lock();
		try {
			return this.deadLetters.stream().map(DeadEntry::letter).toList();
		}
		finally {
			this.lock.unlock();
		}
	}

	long lag(MemoryGroup group) {
		this.lock.lock();
		try {
			return group.lag(this.log);
		}
		finally {
			this.lock.unlock();
		}
	}

	long lag(String groupName) {
		this.lock.lock();
		try {
			MemoryGroup group = this.groups.get(groupName);
			return (group != null) ? group.lag(this.log) : -1;
		}
		finally {
			this.lock.unlock();
		}
	}

	TopicSnapshot snapshot() {
		this.lock.lock();
		try {
			List<TopicSnapshot.GroupSnapshot> snapshots = new ArrayList<>();
			for (Map.Entry<String, MemoryGroup> group : this.groups.entrySet()) {
				snapshots.add(new TopicSnapshot.GroupSnapshot(group.getKey(), group.getValue().lag(this.log),
						group.getValue().pending()));
			}
			Event last = this.log.last();
			return new TopicSnapshot(this.name, this.log.size(), (last != null) ? last.id() : null,
					this.deadLetters.size(), snapshots);
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Wakes every worker, to see whether it is to stop.
	 */
	void wakeAll() {
		this.lock.lock();
		try {
			this.groups.values().forEach((group) -> group.available().signalAll());
		}
		finally {
			this.lock.unlock();
		}
	}

	String name() {
		return this.name;
	}

	long deadLettersForgotten() {
		this.lock.lock();
		try {
			return this.deadLettersForgotten;
		}
		finally {
			this.lock.unlock();
		}
	}

	private void makeRoom() {
		if (!this.log.isFull()) {
			return;
		}
		long oldestNeeded = this.log.nextSequence();
		String neededBy = null;
		for (MemoryGroup group : this.groups.values()) {
			long needed = group.oldestNeeded(this.log.firstSequence());
			if (needed < oldestNeeded) {
				oldestNeeded = needed;
				neededBy = group.subscription().group();
			}
		}
		if (this.log.firstSequence() >= oldestNeeded) {
			throw new EventPublishException("Topic '" + this.name + "' keeps " + this.log.size()
					+ " events (scalability.events.retention) and group '" + neededBy + "' has not handled the "
					+ "oldest yet: the event is not published rather than one of them dropped");
		}
		this.log.removeFirst();
	}

	private EventId nextId(long nowMillis) {
		if (nowMillis > this.lastMillis) {
			this.lastMillis = nowMillis;
			this.lastSequence = 0;
		}
		else {
			this.lastSequence++;
		}
		return new EventId(this.lastMillis, this.lastSequence);
	}

	private void keepDeadLetter(DeadEntry entry) {
		this.deadLetters.addLast(entry);
		if (this.deadLetters.size() > this.deadLetterRetention) {
			DeadLetter forgotten = this.deadLetters.removeFirst().letter().deadLetter();
			this.deadLettersForgotten++;
			this.observer.deadLettersForgotten(this.name, 1);
			logger.warn("Topic '" + this.name + "' keeps " + this.deadLetterRetention + " dead letters "
					+ "(scalability.events.dead-letter-retention): forgot the oldest, event " + forgotten.id()
					+ " of group '" + forgotten.handler() + "' that failed at " + forgotten.failedAt());
		}
	}

	private record DeadEntry(EventDeadLetter letter, long sequence) {

	}

}
