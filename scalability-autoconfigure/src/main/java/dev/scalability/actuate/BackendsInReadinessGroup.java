package dev.scalability.actuate;

import java.util.List;
import java.util.Set;

import org.springframework.boot.actuate.endpoint.EndpointId;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.web.AdditionalPathsMapper;
import org.springframework.boot.actuate.endpoint.web.WebServerNamespace;
import org.springframework.boot.health.actuate.endpoint.AdditionalHealthEndpointPath;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroup;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroups;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroupsPostProcessor;
import org.springframework.boot.health.actuate.endpoint.HttpCodeStatusMapper;
import org.springframework.boot.health.actuate.endpoint.StatusAggregator;

/**
 * Adds the health indicators of the features' backends ({@code rateLimit},
 * {@code requestQueue}, {@code cache}, {@code eventBus}, {@code taskQueue}) to the
 * {@code readiness} group, whoever defined it (Spring Boot's availability probes or the
 * application), and never to {@code liveness}: an instance whose Redis is gone should stop
 * taking traffic only where a feature cannot serve without it, and restarting it would not
 * bring Redis back. The indicators report a degraded backend as up, so only a feature that
 * stops serving takes the instance out of rotation.
 */
public class BackendsInReadinessGroup implements HealthEndpointGroupsPostProcessor {

	/**
	 * The health indicators of the features' backends.
	 */
	public static final Set<String> INDICATORS = Set.of("rateLimit", "requestQueue", "cache", "eventBus",
			"taskQueue");

	static final String READINESS = "readiness";

	@Override
	public HealthEndpointGroups postProcessHealthEndpointGroups(HealthEndpointGroups groups) {
		HealthEndpointGroup readiness = groups.get(READINESS);
		return (readiness != null) ? new Groups(groups, new Readiness(readiness)) : groups;
	}

	/**
	 * The groups with the readiness group replaced. Also maps the health endpoint's
	 * additional paths ({@code /readyz}), as the groups Spring Boot makes do: Spring
	 * Security's endpoint matchers look the groups bean up as an
	 * {@link AdditionalPathsMapper}.
	 */
	private record Groups(HealthEndpointGroups delegate, HealthEndpointGroup readiness)
			implements HealthEndpointGroups, AdditionalPathsMapper {

		@Override
		public List<String> getAdditionalPaths(EndpointId endpointId, WebServerNamespace webServerNamespace) {
			if (this.delegate instanceof AdditionalPathsMapper mapper) {
				return mapper.getAdditionalPaths(endpointId, webServerNamespace);
			}
			if (!HealthEndpoint.ID.equals(endpointId)) {
				return null;
			}
			return getAllWithAdditionalPath(webServerNamespace).stream()
				.map((group) -> group.getAdditionalPath().getValue())
				.toList();
		}

		@Override
		public HealthEndpointGroup getPrimary() {
			return this.delegate.getPrimary();
		}

		@Override
		public Set<String> getNames() {
			return this.delegate.getNames();
		}

		@Override
		public HealthEndpointGroup get(String name) {
			return READINESS.equals(name) ? this.readiness : this.delegate.get(name);
		}

	}

	private record Readiness(HealthEndpointGroup delegate) implements HealthEndpointGroup {

		@Override
		public boolean isMember(String name) {
			return this.delegate.isMember(name) || INDICATORS.contains(name);
		}

		@Override
		public boolean showComponents(SecurityContext securityContext) {
			return this.delegate.showComponents(securityContext);
		}

		@Override
		public boolean showDetails(SecurityContext securityContext) {
			return this.delegate.showDetails(securityContext);
		}

		@Override
		public StatusAggregator getStatusAggregator() {
			return this.delegate.getStatusAggregator();
		}

		@Override
		public HttpCodeStatusMapper getHttpCodeStatusMapper() {
			return this.delegate.getHttpCodeStatusMapper();
		}

		@Override
		public AdditionalHealthEndpointPath getAdditionalPath() {
			return this.delegate.getAdditionalPath();
		}

	}

}
