package dev.scalability.events;

import java.util.List;

/**
 * A topic as it is now.
 *
 * @param topic its name
 * @param events how many events are kept for it
 * @param lastId the id of the latest, or {@code null} when there is none
 * @param deadLetters how many dead letters it holds
 * @param groups its listener groups
 */
public record TopicSnapshot(String topic, long events, String lastId, long deadLetters, List<GroupSnapshot> groups) {

	public TopicSnapshot {
		groups = List.copyOf(groups);
	}

	/**
	 * A listener group of a topic as it is now.
	 *
	 * @param group its name
	 * @param lag events not yet given to it
	 * @param pending events given to it and not yet done with: running, or waiting for a
	 * retry
	 */
	public record GroupSnapshot(String group, long lag, long pending) {

	}

}
