package dev.scalability.events;

import dev.scalability.delivery.DeadLetter;

/**
 * An event a group gave up on, with why.
 *
 * @param event the event, as published
 * @param deadLetter its group ({@link DeadLetter#handler()}), tries and last error
 */
public record EventDeadLetter(Event event, DeadLetter deadLetter) {

	public String group() {
		return this.deadLetter.handler();
	}

}
