package dev.scalability.events.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What {@code claim.lua} answers: entries claimed with how often each was delivered, the
 * cursor of the next scan, and the ids of entries that left the stream while pending.
 *
 * @param cursor where the next scan for idle entries starts
 * @param entries the entries claimed
 * @param lost the ids of entries no longer in the stream
 */
record ClaimReply(String cursor, List<Claimed> entries, List<String> lost) {

	static ClaimReply of(List<Object> reply) {
		List<Claimed> entries = new ArrayList<>();
		for (Object item : (List<?>) reply.get(1)) {
			List<?> entry = (List<?>) item;
			entries.add(new Claimed(EventEntries.text(entry.get(0)), EventEntries.fromFlatList((List<?>) entry.get(1)),
					((Long) entry.get(2)).intValue()));
		}
		List<String> lost = new ArrayList<>();
		for (Object id : (List<?>) reply.get(2)) {
			lost.add(EventEntries.text(id));
		}
		return new ClaimReply(EventEntries.text(reply.get(0)), entries, lost);
	}

	/**
	 * One entry claimed.
	 *
	 * @param id its id
	 * @param fields its fields
	 * @param deliveries how often it has been delivered, this claim included
	 */
	record Claimed(String id, Map<String, String> fields, int deliveries) {

	}

}
