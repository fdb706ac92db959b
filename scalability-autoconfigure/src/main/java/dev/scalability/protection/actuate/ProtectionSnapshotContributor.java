package dev.scalability.protection.actuate;

import dev.scalability.actuate.ScalabilitySnapshotContributor;
import dev.scalability.protection.ProtectionPolicies;

/**
 * The {@code protection} section: each policy, with its breaker's state and its
 * bulkhead's free room.
 */
public class ProtectionSnapshotContributor implements ScalabilitySnapshotContributor {

	private final ProtectionPolicies policies;

	public ProtectionSnapshotContributor(ProtectionPolicies policies) {
		this.policies = policies;
	}

	@Override
	public String name() {
		return "protection";
	}

	@Override
	public Object snapshot() {
		return java.util.Map.of("policies", this.policies.describe());
	}

}
