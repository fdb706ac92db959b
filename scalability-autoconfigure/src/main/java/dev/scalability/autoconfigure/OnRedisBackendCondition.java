package dev.scalability.autoconfigure;

import java.util.Optional;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Condition of {@link ConditionalOnRedisBackend}.
 */
class OnRedisBackendCondition extends SpringBootCondition {

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		Optional<String> property = BackendSelection.redisSelectingProperty(context.getEnvironment());
		return property.map((name) -> ConditionOutcome.match(name + " selects Redis"))
			.orElseGet(() -> ConditionOutcome.noMatch("no enabled feature of the scalability starter uses Redis"));
	}

}
