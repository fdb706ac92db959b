package dev.scalability.actuate;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/**
 * {@code /actuator/scalability}: one JSON snapshot of every feature of the starter.
 */
@Endpoint(id = "scalability")
public class ScalabilityEndpoint {

	private final List<ScalabilitySnapshotContributor> contributors;

	public ScalabilityEndpoint(List<ScalabilitySnapshotContributor> contributors) {
		this.contributors = List.copyOf(contributors);
	}

	@ReadOperation
	public Map<String, Object> snapshot() {
		Map<String, Object> snapshot = new LinkedHashMap<>();
		for (ScalabilitySnapshotContributor contributor : this.contributors) {
			snapshot.put(contributor.name(), contributor.snapshot());
		}
		return snapshot;
	}

}
