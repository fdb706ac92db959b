package dev.scalability.tasks.autoconfigure;

import dev.scalability.tasks.annotation.InvalidTaskHandlerException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a {@code @TaskHandler} method that cannot run tasks.
 */
class InvalidTaskHandlerFailureAnalyzer extends AbstractFailureAnalyzer<InvalidTaskHandlerException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InvalidTaskHandlerException cause) {
		String description = "A @TaskHandler method cannot run tasks:\n\n" + "    Bean:   " + cause.getBeanName()
				+ "\n    Method: " + cause.getMethod() + "\n    Reason: " + cause.getReason();
		return new FailureAnalysis(description, "Change the method: it takes one parameter, the payload (read from "
				+ "JSON as that parameter's type), and names a type of task that no other method handles.", cause);
	}

}
