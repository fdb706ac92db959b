package dev.scalability.cache.autoconfigure;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches unless the application chose one of Spring Boot's cache managers with
 * {@code spring.cache.type} ({@code none} included): that choice wins over the two-level
 * cache.
 */
class OnNoCacheTypeChosenCondition extends SpringBootCondition {

	static final String PROPERTY = "spring.cache.type";

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		String type = context.getEnvironment().getProperty(PROPERTY);
		if (type != null && !type.isBlank()) {
			return ConditionOutcome.noMatch(PROPERTY + " is '" + type + "': Spring Boot's cache manager of that type");
		}
		return ConditionOutcome.match(PROPERTY + " is not set");
	}

}
