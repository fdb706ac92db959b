package dev.scalability.requestqueue;

/**
 * Hears how the wait of a queued request ends: exactly one of the two methods is called,
 * once, on whichever thread ended the wait (a request finishing, the queue's timer). The
 * wait may end before {@link RequestQueue#admit} has even returned its {@link Waiting}, on
 * the thread that called it: a slot freed up meanwhile. Both must return quickly: hand the
 * work to another thread, as an asynchronous servlet dispatch does.
 */
public interface Waiter {

	/**
	 * The request may run now; it must release the permit when done.
	 * @param permit the permit
	 */
	void admitted(Permit permit);

	/**
	 * The request will not be served.
	 * @param refusal why, and when to come back
	 */
	void refused(Refusal refusal);

}
