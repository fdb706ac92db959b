package dev.scalability.events.autoconfigure;

import dev.scalability.events.annotation.InvalidEventListenerException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Names the {@code @EventBusListener} method that stopped the start-up, its bean and what
 * is wrong with it.
 */
class InvalidEventListenerFailureAnalyzer extends AbstractFailureAnalyzer<InvalidEventListenerException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InvalidEventListenerException cause) {
		String description = "An @EventBusListener method cannot listen:\n\n" + "    Bean:   " + cause.getBeanName()
				+ "\n    Method: " + cause.getMethod() + "\n    Reason: " + cause.getReason();
		return new FailureAnalysis(description, "Change the method: it takes one parameter, the payload (read from "
				+ "JSON as that parameter's type), may return an answer to requests, and names a topic; listeners of "
				+ "one topic in one bean set each have a group of their own.", cause);
	}

}
