package dev.scalability.actuate.autoconfigure;

import dev.scalability.actuate.BackendsInReadinessGroup;
import dev.scalability.autoconfigure.ScalabilityAutoConfiguration;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroupsPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/**
 * Puts the features' backend health indicators in the {@code readiness} group, unless
 * {@code scalability.health.readiness-group=false}. It comes after Spring Boot's
 * availability probes, which create that group.
 */
@AutoConfiguration(after = ScalabilityAutoConfiguration.class,
		afterName = "org.springframework.boot.health.autoconfigure.actuate.endpoint.AvailabilityProbesAutoConfiguration")
@ConditionalOnClass(HealthEndpointGroupsPostProcessor.class)
@ConditionalOnBooleanProperty(name = "scalability.enabled", matchIfMissing = true)
public final class ScalabilityHealthAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBooleanProperty(name = "scalability.health.readiness-group", matchIfMissing = true)
	@Order(Ordered.LOWEST_PRECEDENCE)
	BackendsInReadinessGroup scalabilityBackendsInReadinessGroup() {
		return new BackendsInReadinessGroup();
	}

}
