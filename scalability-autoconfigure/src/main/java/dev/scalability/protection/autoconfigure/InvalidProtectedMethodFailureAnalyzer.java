package dev.scalability.protection.autoconfigure;

import dev.scalability.protection.annotation.InvalidProtectedMethodException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Names the {@code @Protected} method that stopped the start-up, its bean and what is
 * wrong with it.
 */
class InvalidProtectedMethodFailureAnalyzer extends AbstractFailureAnalyzer<InvalidProtectedMethodException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InvalidProtectedMethodException cause) {
		String description = "A @Protected method cannot be protected:\n\n" + "    Bean:   " + cause.getBeanName()
				+ "\n    Method: " + cause.getMethod() + "\n    Reason: " + cause.getReason();
		return new FailureAnalysis(description, cause.getAction(), cause);
	}

}
