package dev.scalability.protection;

/**
 * Hears how protected calls end, for metrics. Called on the caller's thread: it must be
 * quick.
 */
public interface ProtectionObserver {

	/**
	 * Hears nothing.
	 */
	ProtectionObserver NONE = (policy, outcome, nanos) -> {
	};

	/**
	 * A protected call ended.
	 * @param policy the policy's name
	 * @param outcome {@code success}, {@code failure}, or a {@link ProtectionException.Reason#tag()}
	 * @param nanos how long it took, retries included
	 */
	void called(String policy, String outcome, long nanos);

	/**
	 * A fallback answered for a call.
	 * @param policy the policy's name
	 * @param outcome what the call's outcome was
	 */
	default void fellBack(String policy, String outcome) {
	}

}
