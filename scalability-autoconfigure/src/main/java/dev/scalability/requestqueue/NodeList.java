package dev.scalability.requestqueue;

import java.util.ArrayList;
import java.util.List;

/**
 * A doubly linked list of {@link QueueNode}s, oldest first. Not thread-safe: the queue
 * guards it with its lock.
 *
 * @param <T> the entries
 */
final class NodeList<T extends QueueNode> {

	private QueueNode first;

	private QueueNode last;

	private int size;

	void addLast(T node) {
		node.list = this;
		node.previous = this.last;
		node.next = null;
		if (this.last == null) {
			this.first = node;
		}
		else {
			this.last.next = node;
		}
		this.last = node;
		this.size++;
	}

	/**
	 * Removes an entry.
	 * @param node the entry
	 * @return whether it was in this list
	 */
	boolean remove(T node) {
		if (node.list != this) {
			return false;
		}
		if (node.previous == null) {
			this.first = node.next;
		}
		else {
			node.previous.next = node.next;
		}
		if (node.next == null) {
			this.last = node.previous;
		}
		else {
			node.next.previous = node.previous;
		}
		node.previous = null;
		node.next = null;
		node.list = null;
		this.size--;
		return true;
	}

	@SuppressWarnings("unchecked")
	T first() {
		return (T) this.first;
	}

	@SuppressWarnings("unchecked")
	T last() {
		return (T) this.last;
	}

	@SuppressWarnings("unchecked")
	T next(T node) {
		return (T) node.next;
	}

	int size() {
		return this.size;
	}

	boolean isEmpty() {
		return this.size == 0;
	}

	List<T> removeAll() {
		List<T> all = new ArrayList<>(this.size);
		for (T node = first(); node != null; node = first()) {
			remove(node);
			all.add(node);
		}
		return all;
	}

}
