package dev.scalability.actuate.autoconfigure;

import java.util.Locale;

import dev.scalability.actuate.BackendSnapshotContributor;
import dev.scalability.actuate.ScalabilityEndpoint;
import dev.scalability.actuate.ScalabilitySnapshotContributor;
import dev.scalability.autoconfigure.ScalabilityAutoConfiguration;
import dev.scalability.autoconfigure.ScalabilityProperties;
import dev.scalability.redis.RedisConnectionProbe;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Exposes {@code /actuator/scalability} and its {@code backend} section.
 */
@AutoConfiguration(after = ScalabilityAutoConfiguration.class)
@ConditionalOnClass(Endpoint.class)
@ConditionalOnBooleanProperty(name = "scalability.enabled", matchIfMissing = true)
@ConditionalOnAvailableEndpoint(ScalabilityEndpoint.class)
public final class ScalabilityEndpointAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	ScalabilityEndpoint scalabilityEndpoint(ObjectProvider<ScalabilitySnapshotContributor> contributors) {
		return new ScalabilityEndpoint(contributors.orderedStream().toList());
	}

	@Bean
	@ConditionalOnMissingBean
	BackendSnapshotContributor scalabilityBackendSnapshotContributor(ScalabilityProperties properties,
			ObjectProvider<RedisConnectionProbe> redisProbe) {
		return new BackendSnapshotContributor(properties.getBackend().name().toLowerCase(Locale.ROOT),
				redisProbe.getIfAvailable());
	}

}
