package dev.scalability.events;

/**
 * Takes the answer of a request back to the instance that waits for it
 * ({@link EventHeaders#REPLY_TO}).
 */
public interface ReplyChannel {

	/**
	 * Sends an answer.
	 * @param request the request event
	 * @param reply the answer as JSON
	 */
	void answer(Event request, String reply);

	/**
	 * Says that the request will get no answer: its listener gave up on it.
	 * @param request the request event
	 * @param error the listener's last error
	 */
	void fail(Event request, String error);

}
