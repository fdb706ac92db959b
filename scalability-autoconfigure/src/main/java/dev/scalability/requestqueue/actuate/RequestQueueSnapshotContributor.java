package dev.scalability.requestqueue.actuate;

import dev.scalability.actuate.ScalabilitySnapshotContributor;

/**
 * The {@code requestQueue} section of {@code /actuator/scalability}: what
 * {@code /actuator/requestqueue} shows.
 */
public class RequestQueueSnapshotContributor implements ScalabilitySnapshotContributor {

	private final RequestQueueEndpoint endpoint;

	public RequestQueueSnapshotContributor(RequestQueueEndpoint endpoint) {
		this.endpoint = endpoint;
	}

	@Override
	public String name() {
		return "requestQueue";
	}

	@Override
	public Object snapshot() {
		return this.endpoint.requestQueue();
	}

}
