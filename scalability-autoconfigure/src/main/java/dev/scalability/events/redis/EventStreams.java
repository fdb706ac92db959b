package dev.scalability.events.redis;

import dev.scalability.redis.RedisKeys;

/**
 * The keys of the event bus. Every key of a topic carries the topic as its hash tag, so
 * that the scripts touching several of them (a dead letter and its acknowledgement, a
 * redrive) run on one Redis Cluster slot:
 * <ul>
 * <li>{@code <prefix>events:{<topic>}}: the stream of the topic's events, one consumer
 * group per listener group;</li>
 * <li>{@code <prefix>events:{<topic>}:dead}: its dead letters, of every group;</li>
 * <li>{@code <prefix>events:{<topic>}:redrive:<group>}: dead letters given back to one
 * group, which only that group reads;</li>
 * <li>{@code <prefix>events-index:{topics}}: the names of the topics, for the endpoint;</li>
 * <li>{@code <prefix>events-reply:{<instance>}}: the pub/sub channel of the answers to the
 * requests of one instance.</li>
 * </ul>
 */
final class EventStreams {

	private final RedisKeys.Space events;

	private final byte[] topicIndex;

	private final RedisKeys.Space replies;

	EventStreams(RedisKeys keys) {
		this.events = keys.space("events");
		this.topicIndex = keys.space("events-index").key("topics");
		this.replies = keys.space("events-reply");
	}

	byte[] stream(String topic) {
		return this.events.key(RedisKeys.tag(topic));
	}

	byte[] deadLetters(String topic) {
		return this.events.key(RedisKeys.tag(topic), ":dead");
	}

	byte[] redrive(String topic, String group) {
		return this.events.key(RedisKeys.tag(topic), ":redrive:" + RedisKeys.tag(group));
	}

	byte[] topicIndex() {
		return this.topicIndex;
	}

	byte[] replyChannel(String instance) {
		return this.replies.key(RedisKeys.tag(instance));
	}

}
