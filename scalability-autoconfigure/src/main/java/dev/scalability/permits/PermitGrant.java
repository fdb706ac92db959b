package dev.scalability.permits;

/**
 * Permits taken.
 *
 * @param permits how many were granted
 * @param retryAfterNanos when none were, how long until one may be
 * @param grantedBy who granted them, to give unused ones back to; {@code null} when
 * nobody counts
 */
public record PermitGrant(int permits, long retryAfterNanos, Object grantedBy) {

	/**
	 * Every permit asked for, from nobody who counts.
	 * @param wanted how many
	 * @return the grant
	 */
	public static PermitGrant unlimited(int wanted) {
		return new PermitGrant(Math.max(wanted, 0), 0, null);
	}

}
