package dev.scalability.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Names the property that stopped the start-up, its value, what is wrong and what to do.
 */
class InvalidPropertyFailureAnalyzer extends AbstractFailureAnalyzer<InvalidPropertyException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InvalidPropertyException cause) {
		StringBuilder description = new StringBuilder("Invalid configuration of the scalability starter:\n\n");
		description.append("    Property: ").append(cause.getProperty()).append('\n');
		if (cause.getValue() != null) {
			description.append("    Value:    ").append(cause.getValue()).append('\n');
		}
		description.append("    Reason:   ").append(cause.getReason());
		return new FailureAnalysis(description.toString(),
				"Update '" + cause.getProperty() + "' in your configuration: " + cause.getAction(), cause);
	}

}
