package dev.scalability.permits;

/**
 * Counts permits by rate: the rate limiter, shared between instances when its backend is
 * Redis.
 */
public interface RatePermits {

	/**
	 * Takes up to {@code wanted} permits of a limit: all when available, else as many as
	 * remain, else none and when to ask again.
	 * @param limit the limit
	 * @param key whose count, within the limit
	 * @param wanted how many
	 * @return the permits granted
	 */
	PermitGrant take(PermitLimit limit, String key, int wanted);

	/**
	 * Gives back permits that were not used after all.
	 * @param limit the limit
	 * @param key whose count
	 * @param grant the permits taken
	 * @param unused how many of them went unused
	 */
	void giveBack(PermitLimit limit, String key, PermitGrant grant, int unused);

	/**
	 * Whether every instance counts against the same permits.
	 * @return whether the count is shared
	 */
	boolean shared();

}
