package dev.scalability.redis;

import io.lettuce.core.RedisCommandExecutionException;

/**
 * Reads what Redis answered from an exception.
 */
final class RedisErrors {

	private RedisErrors() {
	}

	/**
	 * Whether Redis answered with an error reply starting with a code.
	 * @param failure the exception, or one wrapping it
	 * @param code the code, such as {@code NOSCRIPT} or {@code OOM}
	 * @return whether it did
	 */
	static boolean hasReply(Throwable failure, String code) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			String message = cause.getMessage();
			if (message != null && message.startsWith(code)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Whether Redis answered at all: an error reply rather than a broken connection.
	 * @param failure the exception
	 * @return whether it holds an error reply
	 */
	static boolean isErrorReply(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof RedisCommandExecutionException) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Whether an error reply says that this server cannot serve now, as during a failover
	 * or a long script, rather than that the command was wrong or memory is full.
	 * @param failure the exception
	 * @return whether the server is unavailable
	 */
	static boolean isUnavailableReply(Throwable failure) {
		return hasReply(failure, "BUSY") || hasReply(failure, "CLUSTERDOWN") || hasReply(failure, "LOADING")
				|| hasReply(failure, "MASTERDOWN") || hasReply(failure, "READONLY") || hasReply(failure, "TRYAGAIN")
				|| hasReply(failure, "MOVED") || hasReply(failure, "ASK");
	}

}
