package dev.scalability.protection;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The application's protection policies, by name.
 */
public final class ProtectionPolicies {

	private final Map<String, ProtectionPolicy> policies = new LinkedHashMap<>();

	public ProtectionPolicies(Collection<ProtectionPolicy> policies) {
		policies.forEach((policy) -> this.policies.put(policy.name(), policy));
	}

	/**
	 * A policy.
	 * @param name its name
	 * @return the policy
	 * @throws IllegalArgumentException when there is none of that name
	 */
	public ProtectionPolicy get(String name) {
		ProtectionPolicy policy = this.policies.get(name);
		if (policy == null) {
			throw new IllegalArgumentException("no protection policy named '" + name + "'");
		}
		return policy;
	}

	public boolean contains(String name) {
		return this.policies.containsKey(name);
	}

	public Collection<ProtectionPolicy> all() {
		return this.policies.values();
	}

	/**
	 * Every policy's state, for the snapshot.
	 * @return each policy's details, by name
	 */
	public Map<String, Object> describe() {
		Map<String, Object> described = new LinkedHashMap<>();
		this.policies.forEach((name, policy) -> described.put(name, policy.describe()));
		return described;
	}

}
