package dev.scalability.requestqueue;

/**
 * An entry of a {@link NodeList}: links of its own, so that a waiting request that gives up
 * or a running one that ends leaves its list in constant time, with nothing allocated.
 */
abstract class QueueNode {

	QueueNode previous;

	QueueNode next;

	NodeList<?> list;

}
