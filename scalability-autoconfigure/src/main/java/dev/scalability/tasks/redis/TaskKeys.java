package dev.scalability.tasks.redis;

import java.nio.charset.StandardCharsets;

import dev.scalability.redis.RedisKeys;

/**
 * The keys of a queue, all with the queue as their hash tag, so that every script touches
 * one Redis Cluster slot.
 */
final class TaskKeys {

	private final RedisKeys.Space tasks;

	TaskKeys(RedisKeys keys) {
		this.tasks = keys.space("tasks");
	}

	/**
	 * The set of every queue's name, so that each instance sees the queues of all: no key
	 * of a queue is this one, since each has a suffix after its tag.
	 */
	byte[] queues() {
		return this.tasks.key("queues");
	}

	/**
	 * The hash of each task type's queue, as the instances that handle the type registered
	 * it, so that an instance without the handler submits to the right queue.
	 */
	byte[] routes() {
		return this.tasks.key("routes");
	}

	byte[] ready(String queue) {
		return key(queue, ":ready");
	}

	byte[] delayed(String queue) {
		return key(queue, ":delayed");
	}

	byte[] running(String queue) {
		return key(queue, ":running");
	}

	byte[] dead(String queue) {
		return key(queue, ":dead");
	}

	byte[] counter(String queue) {
		return key(queue, ":seq");
	}

	/**
	 * The channel on which a submit wakes the queue's idle workers; a channel, not a key,
	 * named as the queue's keys are.
	 */
	byte[] wakeChannel(String queue) {
		return key(queue, ":wake");
	}

	byte[] taskPrefix(String queue) {
		return key(queue, ":task:");
	}

	byte[] task(String queue, String id) {
		return key(queue, ":task:" + id);
	}

	byte[] idempotencyPrefix(String queue) {
		return key(queue, ":key:");
	}

	private byte[] key(String queue, String suffix) {
		return this.tasks.key(RedisKeys.tag(queue), suffix);
	}

	static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	static String text(Object value) {
		return (value instanceof byte[] bytes) ? new String(bytes, StandardCharsets.UTF_8) : String.valueOf(value);
	}

}
