package dev.scalability.autoconfigure;

import java.util.Arrays;
import java.util.Map;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Condition of {@link ConditionalOnScalabilityFeature}.
 */
class OnScalabilityFeatureCondition extends SpringBootCondition {

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		Map<String, Object> attributes = metadata.getAnnotationAttributes(ConditionalOnScalabilityFeature.class.getName());
		String feature = (String) attributes.get("value");
		Backend[] backends = (Backend[]) attributes.get("backend");
		if (!BackendSelection.isEnabled(context.getEnvironment(), feature)) {
			return ConditionOutcome.noMatch("scalability or scalability." + feature + " is disabled");
		}
		if (backends.length == 0) {
			return ConditionOutcome.match("scalability." + feature + " is enabled");
		}
		Backend backend = BackendSelection.of(context.getEnvironment(), feature).backend();
		if (Arrays.asList(backends).contains(backend)) {
			return ConditionOutcome.match("scalability." + feature + " runs on " + backend);
		}
		return ConditionOutcome.noMatch("scalability." + feature + " runs on " + backend + ", not on "
				+ Arrays.toString(backends));
	}

}
