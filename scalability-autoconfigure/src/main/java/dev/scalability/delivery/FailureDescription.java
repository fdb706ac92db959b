package dev.scalability.delivery;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * The text a dead letter keeps of its error: every message whole, the stack trace cut to
 * its first frames, so that thousands of dead letters stay small yet say what went wrong
 * and where.
 */
public final class FailureDescription {

	static final int FRAMES = 8;

	static final int CAUSE_FRAMES = 3;

	static final int MAX_CAUSES = 5;

	private FailureDescription() {
	}

	/**
	 * Describes a failure.
	 * @param failure what was thrown
	 * @return its class and message, the first frames of its stack, and its causes likewise
	 */
	public static String of(Throwable failure) {
		StringBuilder text = new StringBuilder();
		Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
		Throwable current = failure;
		int causes = 0;
		while (current != null && seen.add(current) && causes <= MAX_CAUSES) {
			if (causes > 0) {
				text.append("\nCaused by: ");
			}
			text.append(current);
			appendFrames(text, current.getStackTrace(), (causes == 0) ? FRAMES : CAUSE_FRAMES);
			current = current.getCause();
			causes++;
		}
		return text.toString();
	}

	private static void appendFrames(StringBuilder text, StackTraceElement[] frames, int limit) {
		int shown = Math.min(limit, frames.length);
		for (int i = 0; i < shown; i++) {
			text.append("\n\tat ").append(frames[i]);
		}
		if (frames.length > shown) {
			text.append("\n\t... ").append(frames.length - shown).append(" more");
		}
	}

}
