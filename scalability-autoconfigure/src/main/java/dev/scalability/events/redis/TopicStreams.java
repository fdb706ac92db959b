package dev.scalability.events.redis;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

import dev.scalability.events.EventDeadLetter;
import dev.scalability.events.EventId;
import dev.scalability.events.TopicSnapshot;
import dev.scalability.redis.GuardedRedis;
import dev.scalability.redis.RedisCallException;
import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The topics' streams as a whole, rather than as one group reads them: which topics
 * there are, what each holds, its dead letters and their redrive, replay and trimming.
 */
final class TopicStreams {

	private static final Log logger = LogFactory.getLog(TopicStreams.class);

	private static final int TRIM_BATCH = 1_000;

	private static final int TRIM_ROUNDS = 100;

	private static final int LAG_COUNT_LIMIT = 10_000;

	private final GuardedRedis redis;

	private final EventStreams streams;

	private final Set<String> known = ConcurrentHashMap.newKeySet();

	private final Set<String> indexed = ConcurrentHashMap.newKeySet();

	TopicStreams(GuardedRedis redis, EventStreams streams) {
		this.redis = redis;
		this.streams = streams;
	}

	/**
	 * Notes a topic this instance uses, and adds it to the shared index of topics unless it
	 * did already, without waiting for Redis; an index Redis did not take is tried again
	 * next time.
	 * @param topic the topic
	 */
	void rememberInBackground(String topic) {
		this.known.add(topic);
		if (this.indexed.add(topic)) {
			byte[] name = EventEntries.bytes(topic);
			this.redis.callAsync((commands) -> commands.sadd(this.streams.topicIndex(), name))
				.whenComplete((added, failure) -> {
					if (failure != null) {
						this.indexed.remove(topic);
					}
				});
		}
	}

	/**
	 * Notes a topic this instance uses, and adds it to the shared index of topics unless it
	 * did already; an index Redis did not take is tried again next time.
	 * @param topic the topic
	 */
	void remember(String topic) {
		this.known.add(topic);
		if (this.indexed.add(topic)) {
			try {
				byte[] name = EventEntries.bytes(topic);
				this.redis.call((commands) -> commands.sadd(this.streams.topicIndex(), name));
			}
			catch (RedisCallException ex) {
				this.indexed.remove(topic);
			}
		}
	}

	/**
	 * The topics this instance publishes or listens to.
	 * @return their names
	 */
	Set<String> known() {
		return this.known;
	}

	/**
	 * The topics of every instance, with what they hold.
	 * @return the topics, by name
	 */
	List<TopicSnapshot> snapshots() {
		Set<String> names = new TreeSet<>(this.known);
		for (byte[] name : this.redis.call((commands) -> commands.smembers(this.streams.topicIndex()))) {
			names.add(EventEntries.text(name));
		}
		List<TopicSnapshot> snapshots = new ArrayList<>();
		for (String name : names) {
			snapshots.add(snapshot(name));
		}
		return snapshots;
	}

	TopicSnapshot snapshot(String topic) {
		List<Object> reply = this.redis.script(StreamScripts.GROUPS,
				new byte[][] { this.streams.stream(topic), this.streams.deadLetters(topic) },
				EventEntries.bytes(Integer.toString(LAG_COUNT_LIMIT)));
		List<TopicSnapshot.GroupSnapshot> groups = new ArrayList<>();
		for (Object item : (List<?>) reply.get(3)) {
			List<?> group = (List<?>) item;
			// The script answers {group, pending, lag}.
			groups.add(new TopicSnapshot.GroupSnapshot(EventEntries.text(group.get(0)), (Long) group.get(2),
					(Long) group.get(1)));
		}
		groups.sort(Comparator.comparing(TopicSnapshot.GroupSnapshot::group));
		String lastId = EventEntries.text(reply.get(1));
		return new TopicSnapshot(topic, (Long) reply.get(0), lastId.isEmpty() ? null : lastId, (Long) reply.get(2),
				groups);
	}

	List<EventDeadLetter> deadLetters(String topic) {
		return deadLetterEntries(topic).stream().map(DeadLetterEntry::letter).toList();
	}

	/**
	 * Gives dead letters back to the groups that gave up on them.
	 * @param topic the topic
	 * @param ids which events' dead letters
	 * @return how many went back
	 */
	int redrive(String topic, Predicate<String> ids) {
		int redriven = 0;
		for (DeadLetterEntry entry : deadLetterEntries(topic)) {
			if (!ids.test(entry.letter().event().id())) {
				continue;
			}
			String group = entry.letter().group();
			List<Object> reply = this.redis.script(StreamScripts.REDRIVE,
					new byte[][] { this.streams.deadLetters(topic), this.streams.redrive(topic, group),
							this.streams.stream(topic) },
					EventEntries.bytes(entry.entryId()), EventEntries.bytes(group));
			long outcome = (Long) reply.get(0);
			if (outcome < 0) {
				logger.warn("The dead letter of event " + entry.letter().event().id() + " of topic '" + topic
						+ "' was not redriven: its group '" + group + "' no longer exists, and would never read it");
			}
			else {
				redriven += (int) outcome;
			}
		}
		return redriven;
	}

	/**
	 * Moves a group back to an event, never forward.
	 * @param topic the topic
	 * @param group the group
	 * @param from the first event to give again
	 * @return whether the group exists
	 */
	boolean replay(String topic, String group, EventId from) {
		List<Object> reply = this.redis.script(StreamScripts.REPLAY, new byte[][] { this.streams.stream(topic) },
				EventEntries.bytes(group), EventEntries.bytes(idBefore(from)));
		return (Long) reply.get(0) >= 0;
	}

	/**
	 * Trims a topic's stream down to a retention, keeping every entry a group still needs,
	 * a batch at a time so that no script holds Redis long.
	 * @param topic the topic
	 * @param retention the entries to keep
	 * @return how many entries went
	 */
	long trim(String topic, int retention) {
		byte[][] key = { this.streams.stream(topic) };
		byte[] kept = EventEntries.bytes(Integer.toString(retention));
		byte[] batch = EventEntries.bytes(Integer.toString(TRIM_BATCH));
		long trimmed = 0;
		for (int round = 0; round < TRIM_ROUNDS; round++) {
			long removed = (Long) this.redis.script(StreamScripts.TRIM, key, kept, batch).get(0);
			trimmed += removed;
			if (removed < TRIM_BATCH) {
				break;
			}
		}
		return trimmed;
	}

	private List<DeadLetterEntry> deadLetterEntries(String topic) {
		byte[] key = this.streams.deadLetters(topic);
		List<DeadLetterEntry> letters = new ArrayList<>();
		for (StreamMessage<byte[], byte[]> entry : this.redis
			.call((commands) -> commands.xrange(key, Range.<String>unbounded()))) {
			letters.add(new DeadLetterEntry(entry.getId(),
					EventEntries.deadLetter(topic, entry.getId(), EventEntries.fromBody(entry.getBody()))));
		}
		return letters;
	}

	/**
	 * The id just before an event's, so that a group set to it is given that event next.
	 */
	private static String idBefore(EventId id) {
		if (id.sequence() > 0) {
			return id.millis() + "-" + (id.sequence() - 1);
		}
		if (id.millis() > 0) {
			return (id.millis() - 1) + "-18446744073709551615";
		}
		return "0-0";
	}

	private record DeadLetterEntry(String entryId, EventDeadLetter letter) {

	}

}
