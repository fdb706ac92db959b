package dev.scalability.health.autoconfigure;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.contributor.Status;

/**
 * The application's own health, as its health endpoint aggregates it, sampled on the
 * sampling thread so that a scrape or an alert never waits for the indicators.
 */
class HealthStatus {

	private final ObjectProvider<HealthEndpoint> endpoint;

	private volatile double up = Double.NaN;

	HealthStatus(ObjectProvider<HealthEndpoint> endpoint) {
		this.endpoint = endpoint;
	}

	void sample() {
		HealthEndpoint health = this.endpoint.getIfAvailable();
		if (health != null) {
			Status status = health.health().getStatus();
			this.up = (Status.DOWN.equals(status) || Status.OUT_OF_SERVICE.equals(status)) ? 0 : 1;
		}
	}

	/**
	 * 1 while the application is up (or its status is unknown to health), 0 while it is
	 * down or out of service, NaN before the first sample.
	 * @return the value
	 */
	double up() {
		return this.up;
	}

}
