package dev.scalability.protection;

/**
 * A call a policy protects.
 *
 * @param <T> what it returns
 */
@FunctionalInterface
public interface ProtectedCall<T> {

	/**
	 * Makes the call.
	 * @return what it returns
	 * @throws Throwable whatever it throws
	 */
	T call() throws Throwable;

}
