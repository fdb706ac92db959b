package dev.scalability.actuate;

/**
 * A section of the {@code /actuator/scalability} snapshot. Each feature contributes one,
 * under its own name.
 */
public interface ScalabilitySnapshotContributor {

	/**
	 * The section's name in the snapshot, such as {@code rateLimit}.
	 * @return the name
	 */
	String name();

	/**
	 * The section's content, rendered as JSON.
	 * @return the current state
	 */
	Object snapshot();

}
